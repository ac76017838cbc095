//! `#[heddle::main]` and `#[heddle::test]`: turn an `async fn` into a plain `fn` that builds a
//! heddle runtime and blocks on the function's body. Also the expansions behind the facade's
//! `join!`, `try_join!` and `select!` (see `concurrent`), which are used through the facade's
//! `macro_rules!` wrappers only.
//!
//! This crate is the macros layer beside the facade: the code it generates calls
//! `::heddle::Builder`, so it is used through the `heddle` crate (`#[heddle::main]`), never
//! on its own. It is not a runtime and contains no runtime code.
//!
//! Arguments, all optional: `flavor = "multi_thread" | "current_thread" | "local"` (`local`:
//! a `LocalRuntime`, current-thread and `!Send`), `worker_threads = N` (multi-thread only),
//! `start_paused = true | false` (current-thread and local only), and
//! `crate = "path"` for a renamed `heddle` dependency. `#[heddle::main]` defaults to the
//! multi-thread flavor, `#[heddle::test]` to current-thread, as in tokio. Mistakes are
//! compile errors that say how to fix them.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ItemFn, Lit, MetaNameValue, Token};

mod concurrent;

/// Runs an `async fn` (usually `main`) on a heddle runtime; multi-thread by default.
///
/// ```ignore
/// #[heddle::main]
/// async fn main() {
///     heddle::spawn(async { println!("hello") }).await.unwrap();
/// }
///
/// #[heddle::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     Ok(())
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args.into(), item.into(), Kind::Main, true).into()
}

/// `#[heddle::main]` when heddle is built without its `rt-multi-thread` feature: the same,
/// except that the multi-thread flavor (the default) is a compile error saying what to change.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn main_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args.into(), item.into(), Kind::Main, false).into()
}

/// Runs an `async fn` test on a heddle runtime; current-thread by default.
///
/// ```ignore
/// #[heddle::test]
/// async fn adds() {
///     assert_eq!(heddle::spawn(async { 1 + 1 }).await.unwrap(), 2);
/// }
///
/// #[heddle::test(start_paused = true)]
/// async fn an_hour_passes_at_once() {
///     heddle::time::sleep(std::time::Duration::from_secs(3600)).await;
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args.into(), item.into(), Kind::Test, true).into()
}

/// `#[heddle::test]` when heddle is built without its `rt-multi-thread` feature; see
/// [`macro@main_rt`].
#[doc(hidden)]
#[proc_macro_attribute]
pub fn test_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args.into(), item.into(), Kind::Test, false).into()
}

/// The expansion of `heddle::join!`; input: `$crate; futures…`.
#[doc(hidden)]
#[proc_macro]
pub fn join_impl(input: TokenStream) -> TokenStream {
    concurrent::join(input.into()).into()
}

/// The expansion of `heddle::try_join!`; input: `$crate; futures…`.
#[doc(hidden)]
#[proc_macro]
pub fn try_join_impl(input: TokenStream) -> TokenStream {
    concurrent::try_join(input.into()).into()
}

/// The expansion of `heddle::select!`; input: `$crate; branches…`.
#[doc(hidden)]
#[proc_macro]
pub fn select_impl(input: TokenStream) -> TokenStream {
    concurrent::select(input.into()).into()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Main,
    Test,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    MultiThread,
    CurrentThread,
    /// A `LocalRuntime`: a current-thread runtime built with `build_local`.
    Local,
}

struct Config {
    flavor: Option<Flavor>,
    worker_threads: Option<(usize, Span)>,
    start_paused: Option<(bool, Span)>,
    /// `unhandled_panic = "shutdown_runtime"`.
    shutdown_on_panic: bool,
    /// `rng_seed = N`: the runtime's seeded task order.
    seed: Option<u64>,
    krate: Option<syn::Path>,
}

/// `multi_thread` says whether the facade was built with its multi-thread flavor.
fn expand(args: TokenStream2, item: TokenStream2, kind: Kind, multi_thread: bool) -> TokenStream2 {
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        // Not a function: report and keep the item so other errors stay readable.
        Err(error) => return with_error(item, error),
    };
    match generate(args, function, kind, multi_thread) {
        Ok(tokens) => tokens,
        Err(error) => with_error(item, error),
    }
}

fn with_error(item: TokenStream2, error: syn::Error) -> TokenStream2 {
    let error = error.to_compile_error();
    quote! { #error #item }
}

fn parse_config(args: TokenStream2) -> syn::Result<Config> {
    let pairs = Punctuated::<MetaNameValue, Token![,]>::parse_terminated.parse2(args)?;
    let mut config = Config {
        flavor: None,
        worker_threads: None,
        start_paused: None,
        shutdown_on_panic: false,
        seed: None,
        krate: None,
    };
    for pair in pairs {
        let name = pair
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match name.as_str() {
            "flavor" => {
                let value = string_value(&pair.value, "flavor")?;
                config.flavor = Some(match value.as_str() {
                    "multi_thread" => Flavor::MultiThread,
                    "current_thread" => Flavor::CurrentThread,
                    "local" => Flavor::Local,
                    _ => {
                        return Err(syn::Error::new(
                            pair.value.span(),
                            "unknown flavor: use `flavor = \"multi_thread\"`, \
                             `flavor = \"current_thread\"` or `flavor = \"local\"`",
                        ))
                    }
                });
            }
            "worker_threads" => {
                let workers = int_value(&pair.value, "worker_threads")?;
                if workers == 0 {
                    return Err(syn::Error::new(
                        pair.value.span(),
                        "`worker_threads` must be at least 1",
                    ));
                }
                config.worker_threads = Some((workers, pair.value.span()));
            }
            "start_paused" => {
                let paused = bool_value(&pair.value, "start_paused")?;
                config.start_paused = Some((paused, pair.value.span()));
            }
            "unhandled_panic" => {
                let value = string_value(&pair.value, "unhandled_panic")?;
                config.shutdown_on_panic = match value.as_str() {
                    "shutdown_runtime" => true,
                    "ignore" => false,
                    _ => {
                        return Err(syn::Error::new(
                            pair.value.span(),
                            "unknown `unhandled_panic` behavior: use \"ignore\" or \
                             \"shutdown_runtime\"",
                        ))
                    }
                };
            }
            "rng_seed" => {
                let seed = match literal(&pair.value) {
                    Some(Lit::Int(int)) => int.base10_parse::<u64>()?,
                    _ => {
                        return Err(syn::Error::new(
                            pair.value.span(),
                            "`rng_seed` takes a number, e.g. rng_seed = 42",
                        ))
                    }
                };
                config.seed = Some(seed);
            }
            "crate" => {
                let path = string_value(&pair.value, "crate")?;
                config.krate = Some(syn::parse_str(&path).map_err(|_| {
                    syn::Error::new(pair.value.span(), "`crate` must be a path, e.g. \"heddle\"")
                })?);
            }
            _ => {
                return Err(syn::Error::new(
                    pair.path.span(),
                    format!(
                        "unknown argument `{name}`: the arguments are `flavor`, \
                         `worker_threads`, `start_paused`, `unhandled_panic`, `rng_seed` \
                         and `crate`"
                    ),
                ))
            }
        }
    }
    Ok(config)
}

fn literal(value: &Expr) -> Option<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        _ => None,
    }
}

fn string_value(value: &Expr, name: &str) -> syn::Result<String> {
    match literal(value) {
        Some(Lit::Str(s)) => Ok(s.value()),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{name}` takes a string, e.g. {name} = \"...\""),
        )),
    }
}

fn int_value(value: &Expr, name: &str) -> syn::Result<usize> {
    match literal(value) {
        Some(Lit::Int(i)) => i.base10_parse(),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{name}` takes a number, e.g. {name} = 2"),
        )),
    }
}

fn bool_value(value: &Expr, name: &str) -> syn::Result<bool> {
    match literal(value) {
        Some(Lit::Bool(b)) => Ok(b.value),
        _ => Err(syn::Error::new(
            value.span(),
            format!("`{name}` takes `true` or `false`"),
        )),
    }
}

fn generate(
    args: TokenStream2,
    mut function: ItemFn,
    kind: Kind,
    multi_thread: bool,
) -> syn::Result<TokenStream2> {
    let config = parse_config(args)?;
    if function.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            function.sig.fn_token.span(),
            "the `async` keyword is missing from the function declaration",
        ));
    }
    if kind == Kind::Main && function.sig.ident == "main" && !function.sig.inputs.is_empty() {
        return Err(syn::Error::new(
            function.sig.inputs.span(),
            "`main` takes no arguments",
        ));
    }
    if kind == Kind::Test && !function.sig.inputs.is_empty() {
        return Err(syn::Error::new(
            function.sig.inputs.span(),
            "a test function takes no arguments",
        ));
    }
    let flavor = config.flavor.unwrap_or(match kind {
        Kind::Main => Flavor::MultiThread,
        Kind::Test => Flavor::CurrentThread,
    });
    if let (Flavor::CurrentThread | Flavor::Local, Some((_, span))) =
        (flavor, config.worker_threads)
    {
        return Err(syn::Error::new(
            span,
            "`worker_threads` needs the multi-thread flavor: add `flavor = \"multi_thread\"` \
             or remove `worker_threads`",
        ));
    }
    if flavor == Flavor::MultiThread && !multi_thread {
        return Err(syn::Error::new(
            Span::call_site(),
            "the multi-thread flavor needs heddle's `rt-multi-thread` feature: enable it, or \
             use `flavor = \"current_thread\"`",
        ));
    }
    if let (Flavor::MultiThread, Some(_)) = (flavor, config.seed) {
        return Err(syn::Error::new(
            Span::call_site(),
            "`rng_seed` needs the current-thread flavor: use `flavor = \"current_thread\"`",
        ));
    }
    if let (Flavor::MultiThread, Some((true, span))) = (flavor, config.start_paused) {
        return Err(syn::Error::new(
            span,
            "`start_paused` needs the current-thread flavor: use `flavor = \"current_thread\"`",
        ));
    }
    let krate = config
        .krate
        .map_or_else(|| quote!(::heddle), |path| quote!(#path));
    let mut builder = match flavor {
        Flavor::MultiThread => quote!(#krate::Builder::new_multi_thread()),
        Flavor::CurrentThread | Flavor::Local => quote!(#krate::Builder::new_current_thread()),
    };
    let build = match flavor {
        Flavor::Local => quote!(build_local(::core::default::Default::default())),
        Flavor::MultiThread | Flavor::CurrentThread => quote!(build()),
    };
    if let Some((workers, _)) = config.worker_threads {
        builder = quote!(#builder.worker_threads(#workers));
    }
    if let Some((paused, _)) = config.start_paused {
        builder = quote!(#builder.start_paused(#paused));
    }
    if config.shutdown_on_panic {
        builder = quote!(#builder.unhandled_panic(#krate::UnhandledPanic::ShutdownRuntime));
    }
    if let Some(seed) = config.seed {
        builder = quote!(#builder.seed(#seed));
    }

    function.sig.asyncness = None;
    let body = &function.block;
    let span = function.block.brace_token.span.join();
    let new_body = quote_spanned! {span=>
        {
            let body = async move #body;
            #builder
                .#build
                .expect("failed to build the heddle runtime")
                .block_on(body)
        }
    };
    function.block = syn::parse2(new_body)?;
    let test_attribute = match kind {
        Kind::Test => quote!(#[::core::prelude::v1::test]),
        Kind::Main => quote!(),
    };
    Ok(quote! {
        #test_attribute
        #function
    })
}
