//! The expansions behind the facade's `join!`, `try_join!` and `select!`: several futures
//! polled by the task that awaits the macro, concurrently but not in parallel.
//!
//! Each macro is a `macro_rules!` in the facade that passes its `$crate` path in front of the
//! user's input (`krate; input`), so the code generated here names the facade's helpers
//! (`$crate::__private::…`) wherever the user's crate found the facade. Identifiers the
//! expansion introduces use mixed-site hygiene: they cannot clash with the user's names in
//! patterns, preconditions or handlers.
//!
//! Not here: scheduling. The futures are pinned on the awaiting task's stack and polled from
//! one `poll_fn`; nothing is spawned.

use proc_macro2::{Span, TokenStream as TokenStream2, TokenTree};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Pat, Token};

/// Most branches (`select!`) a `u64` disabled-mask can track, as tokio allows.
const MAX_BRANCHES: usize = 64;

/// Splits `krate; rest` (the facade passes its `$crate` first).
fn split_krate(input: TokenStream2) -> (TokenStream2, TokenStream2) {
    let mut tokens = input.into_iter();
    let mut krate = TokenStream2::new();
    for token in tokens.by_ref() {
        if matches!(&token, TokenTree::Punct(p) if p.as_char() == ';') {
            break;
        }
        krate.extend([token]);
    }
    (krate, tokens.collect())
}

/// Comma-separated future expressions (`join!`, `try_join!`), after an optional `biased;`.
struct Futures {
    biased: bool,
    futures: Vec<Expr>,
}

impl Parse for Futures {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let biased = parse_biased(input)?;
        let list = input.parse_terminated(Expr::parse, Token![,])?;
        Ok(Futures {
            biased,
            futures: list.into_iter().collect(),
        })
    }
}

/// Consumes a leading `biased;` if there is one.
fn parse_biased(input: ParseStream<'_>) -> syn::Result<bool> {
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let fork = input.fork();
        if fork.parse::<syn::Ident>()? == "biased" {
            input.parse::<syn::Ident>()?;
            input.parse::<Token![;]>()?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Where polling starts: the first operand when `biased`, else a rotating one so that no
/// operand always goes first (as tokio's macros do).
fn start_at(krate: &TokenStream2, biased: bool, count: usize) -> TokenStream2 {
    if biased {
        quote!(0)
    } else {
        quote!(#krate::__private::select_start(#count))
    }
}

/// `for` over every operand index from `start`, wrapping, running the arm of each index.
fn in_rotation(start: &TokenStream2, count: usize, arms: &[TokenStream2]) -> TokenStream2 {
    let index = syn::Ident::new("__heddle_index", Span::mixed_site());
    let first = syn::Ident::new("__heddle_first", Span::mixed_site());
    let indices = 0..count;
    quote! {
        let #first: usize = #start;
        for #index in #first..#first + #count {
            let #index = if #index >= #count { #index - #count } else { #index };
            match #index {
                #( #indices => { #arms } )*
                _ => ::core::unreachable!(),
            }
        }
    }
}

fn future_idents(count: usize) -> Vec<syn::Ident> {
    (0..count)
        .map(|i| format_ident!("__heddle_future_{}", i, span = Span::mixed_site()))
        .collect()
}

/// `join!(a, b, …)`: a tuple of every output, once all are ready.
pub(crate) fn join(input: TokenStream2) -> TokenStream2 {
    let (krate, input) = split_krate(input);
    let Futures { biased, futures } = match syn::parse2::<Futures>(input) {
        Ok(futures) => futures,
        Err(error) => return error.to_compile_error(),
    };
    if futures.is_empty() {
        return quote!(async {}.await);
    }
    let names = future_idents(futures.len());
    let cx = syn::Ident::new("__heddle_cx", Span::mixed_site());
    let ready = syn::Ident::new("__heddle_ready", Span::mixed_site());
    let output = syn::Ident::new("__heddle_output", Span::mixed_site());
    let arms: Vec<TokenStream2> = names
        .iter()
        .map(|name| quote!(#ready &= #krate::__private::MaybeDone::poll_done(#name.as_mut(), #cx);))
        .collect();
    let polls = in_rotation(&start_at(&krate, biased, names.len()), names.len(), &arms);
    quote! {{
        #(
            let mut #names = ::core::pin::pin!(#krate::__private::MaybeDone::new(
                ::core::future::IntoFuture::into_future(#futures)
            ));
        )*
        let #output = ::core::future::poll_fn(|#cx: &mut ::core::task::Context<'_>| {
            let mut #ready = true;
            #polls
            if !#ready {
                return ::core::task::Poll::Pending;
            }
            ::core::task::Poll::Ready((
                #( #krate::__private::MaybeDone::take(#names.as_mut()), )*
            ))
        })
        .await;
        #output
    }}
}

/// `try_join!(a, b, …)`: `Ok` of a tuple once all are `Ok`, or the first `Err` at once
/// (the other futures are dropped).
pub(crate) fn try_join(input: TokenStream2) -> TokenStream2 {
    let (krate, input) = split_krate(input);
    let Futures { biased, futures } = match syn::parse2::<Futures>(input) {
        Ok(futures) => futures,
        Err(error) => return error.to_compile_error(),
    };
    if futures.is_empty() {
        return quote!(async { ::core::result::Result::Ok(()) }.await);
    }
    let names = future_idents(futures.len());
    let cx = syn::Ident::new("__heddle_cx", Span::mixed_site());
    let ready = syn::Ident::new("__heddle_ready", Span::mixed_site());
    let error = syn::Ident::new("__heddle_error", Span::mixed_site());
    let output = syn::Ident::new("__heddle_output", Span::mixed_site());
    let arms: Vec<TokenStream2> = names
        .iter()
        .map(|name| {
            quote! {
                if #krate::__private::MaybeDone::poll_done(#name.as_mut(), #cx) {
                    if let ::core::option::Option::Some(#error) =
                        #krate::__private::MaybeDone::take_err(#name.as_mut())
                    {
                        return ::core::task::Poll::Ready(::core::result::Result::Err(#error));
                    }
                } else {
                    #ready = false;
                }
            }
        })
        .collect();
    let polls = in_rotation(&start_at(&krate, biased, names.len()), names.len(), &arms);
    quote! {{
        #(
            let mut #names = ::core::pin::pin!(#krate::__private::MaybeDone::new(
                ::core::future::IntoFuture::into_future(#futures)
            ));
        )*
        let #output = ::core::future::poll_fn(|#cx: &mut ::core::task::Context<'_>| {
            let mut #ready = true;
            #polls
            if !#ready {
                return ::core::task::Poll::Pending;
            }
            ::core::task::Poll::Ready(::core::result::Result::Ok((
                #( #krate::__private::MaybeDone::take_ok(#names.as_mut()), )*
            )))
        })
        .await;
        #output
    }}
}

/// One `pattern = future, if precondition => handler` branch of `select!`.
struct Branch {
    pattern: Pat,
    future: Expr,
    precondition: Option<Expr>,
    handler: Expr,
}

/// The whole `select!` input.
struct Select {
    biased: bool,
    branches: Vec<Branch>,
    otherwise: Option<Expr>,
}

impl Parse for Select {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut select = Select {
            biased: false,
            branches: Vec::new(),
            otherwise: None,
        };
        select.biased = parse_biased(input)?;
        while !input.is_empty() {
            if input.peek(Token![else]) {
                let token = input.parse::<Token![else]>()?;
                input.parse::<Token![=>]>()?;
                let handler = parse_handler(input)?;
                if select.otherwise.replace(handler).is_some() {
                    return Err(syn::Error::new(
                        token.span,
                        "`select!` takes at most one `else` branch",
                    ));
                }
                continue;
            }
            let pattern = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let future = input.parse::<Expr>()?;
            let precondition = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            input.parse::<Token![=>]>().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "expected `=>` after the branch's future (or `, if condition =>`)",
                )
            })?;
            let handler = parse_handler(input)?;
            select.branches.push(Branch {
                pattern,
                future,
                precondition,
                handler,
            });
        }
        if select.branches.len() > MAX_BRANCHES {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("`select!` takes at most {MAX_BRANCHES} branches"),
            ));
        }
        Ok(select)
    }
}

/// A handler and the comma after it. As in a `match` arm, the comma is optional after a
/// block-like handler (`{ … }`, `if`, `match`, loops) and after the last branch; a handler
/// starting with `{` ends at its closing brace.
fn parse_handler(input: ParseStream<'_>) -> syn::Result<Expr> {
    let block_like = input.peek(syn::token::Brace)
        || input.peek(Token![if])
        || input.peek(Token![match])
        || input.peek(Token![loop])
        || input.peek(Token![while])
        || input.peek(Token![for])
        || input.peek(Token![unsafe]);
    let handler = if block_like {
        // Parsed as a statement, a block-like expression ends at its closing brace (a
        // following `(a, b) = …` pattern is not taken for a call).
        match input.parse::<syn::Stmt>()? {
            syn::Stmt::Expr(expr, None) => expr,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "expected an expression as the branch's handler",
                ))
            }
        }
    } else {
        input.parse::<Expr>()?
    };
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    } else if !input.is_empty() && !block_like {
        return Err(input.error("expected `,` after the branch's handler"));
    }
    Ok(handler)
}

/// `pattern` without `ref` and `mut` on its bindings, to test a reference to the output
/// against it (the bindings there are never used).
fn checkable(pattern: &Pat) -> Pat {
    let mut pattern = pattern.clone();
    strip_binding_modes(&mut pattern);
    pattern
}

fn strip_binding_modes(pattern: &mut Pat) {
    match pattern {
        Pat::Ident(ident) => {
            ident.by_ref = None;
            ident.mutability = None;
            if let Some((_, sub)) = &mut ident.subpat {
                strip_binding_modes(sub);
            }
        }
        Pat::Or(or) => or.cases.iter_mut().for_each(strip_binding_modes),
        Pat::Paren(paren) => strip_binding_modes(&mut paren.pat),
        Pat::Reference(reference) => strip_binding_modes(&mut reference.pat),
        Pat::Slice(slice) => slice.elems.iter_mut().for_each(strip_binding_modes),
        Pat::Struct(structure) => structure
            .fields
            .iter_mut()
            .for_each(|field| strip_binding_modes(&mut field.pat)),
        Pat::Tuple(tuple) => tuple.elems.iter_mut().for_each(strip_binding_modes),
        Pat::TupleStruct(tuple) => tuple.elems.iter_mut().for_each(strip_binding_modes),
        Pat::Type(typed) => strip_binding_modes(&mut typed.pat),
        _ => {}
    }
}

/// `select!`: see the facade's docs for the semantics.
pub(crate) fn select(input: TokenStream2) -> TokenStream2 {
    let (krate, input) = split_krate(input);
    let select = match syn::parse2::<Select>(input) {
        Ok(select) => select,
        Err(error) => return error.to_compile_error(),
    };
    let otherwise = select.otherwise.map_or_else(
        || {
            quote!(::core::panic!(
                "all branches are disabled and there is no else branch"
            ))
        },
        |handler| quote!(#handler),
    );
    if select.branches.is_empty() {
        return quote!({ #otherwise });
    }
    let count = select.branches.len();
    let names = future_idents(count);
    let out = syn::Ident::new("__HeddleSelectOut", Span::mixed_site());
    let disabled = syn::Ident::new("__heddle_disabled", Span::mixed_site());
    let cx = syn::Ident::new("__heddle_cx", Span::mixed_site());
    let output = syn::Ident::new("__heddle_output", Span::mixed_site());
    let branch = syn::Ident::new("__heddle_branch", Span::mixed_site());
    let start = syn::Ident::new("__heddle_start", Span::mixed_site());
    let matched = syn::Ident::new("__heddle_matched", Span::mixed_site());
    let variants: Vec<_> = (0..count)
        .map(|i| format_ident!("_{}", i, span = Span::mixed_site()))
        .collect();
    let types: Vec<_> = (0..count)
        .map(|i| format_ident!("T{}", i, span = Span::mixed_site()))
        .collect();
    let bits: Vec<u64> = (0..count).map(|i| 1u64 << i).collect();
    let all = if count == MAX_BRANCHES {
        u64::MAX
    } else {
        (1u64 << count) - 1
    };
    let indices: Vec<usize> = (0..count).collect();
    let futures = select.branches.iter().map(|b| &b.future);
    let preconditions = select.branches.iter().zip(&bits).map(|(b, bit)| {
        b.precondition.as_ref().map(|condition| {
            quote! {
                if !(#condition) {
                    #disabled |= #bit;
                }
            }
        })
    });
    let checks = select.branches.iter().map(|b| checkable(&b.pattern));
    let patterns = select.branches.iter().map(|b| &b.pattern);
    let handlers = select.branches.iter().map(|b| &b.handler);
    let start_at = start_at(&krate, select.biased, count);
    quote! {{
        enum #out<#(#types,)*> {
            #( #variants(#types), )*
            Disabled,
        }
        // The futures live in this block only: the handlers may use what they borrowed.
        let #output = {
        let mut #disabled: u64 = 0;
        #( #preconditions )*
        #( let mut #names = ::core::pin::pin!(::core::future::IntoFuture::into_future(#futures)); )*
        let #output = ::core::future::poll_fn(|#cx: &mut ::core::task::Context<'_>| {
            let #start: usize = #start_at;
            for #branch in #start..#start + #count {
                // `branch` runs over `start..start + count`: wrap it without a division.
                let #branch = if #branch >= #count { #branch - #count } else { #branch };
                match #branch {
                    #(
                        #indices => {
                            if #disabled & #bits != 0 {
                                continue;
                            }
                            let ::core::task::Poll::Ready(#output) =
                                ::core::future::Future::poll(#names.as_mut(), #cx)
                            else {
                                continue;
                            };
                            // Done: whatever its output, this branch is not polled again.
                            #disabled |= #bits;
                            #[allow(unused_variables, unreachable_patterns)]
                            let #matched = match &#output {
                                #checks => true,
                                _ => false,
                            };
                            if #matched {
                                return ::core::task::Poll::Ready(#out::#variants(#output));
                            }
                        }
                    )*
                    _ => ::core::unreachable!(),
                }
            }
            if #disabled == #all {
                ::core::task::Poll::Ready(#out::Disabled)
            } else {
                ::core::task::Poll::Pending
            }
        })
        .await;
        #output
        };
        match #output {
            #( #out::#variants(#patterns) => #handlers, )*
            #out::Disabled => #otherwise,
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!("a `select!` branch's output matched its pattern when checked"),
        }
    }}
}
