//! `pin!`, tokio's macro for pinning futures on the stack; available with every feature set,
//! as tokio's is. Not a pinning library: it expands to `core::pin::pin!`.

/// Pins values to the stack: each becomes a `Pin<&mut T>` under the same name, so a future
/// can be polled through `&mut` (awaited by reference, polled again in a loop around
/// [`select!`](crate::select!)) without boxing it. tokio's `pin!`, in its two forms:
///
/// * `pin!(a, b);` pins local variables, shadowing them;
/// * `pin! { let x = expr; let y = expr; }` declares and pins in one step.
///
/// The values are moved into the macro's scope: they cannot be moved again, which is what
/// makes the pinning sound. It expands to [`core::pin::pin!`] and needs no `unsafe`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let runtime = heddle::Builder::new_current_thread().enable_all().build()?;
/// let rounds = runtime.block_on(async {
///     let deadline = heddle::time::sleep(Duration::from_millis(20));
///     let (tx, mut rx) = heddle::sync::mpsc::channel::<u32>(1);
///     heddle::spawn(async move {
///         for i in 0..3 {
///             let _ = tx.send(i).await;
///         }
///     });
///     heddle::pin!(deadline);
///     let mut rounds = 0;
///     loop {
///         heddle::select! {
///             // The same sleep is polled again each round: it needs to be pinned.
///             _ = &mut deadline => break,
///             message = rx.recv() => match message {
///                 Some(_) => rounds += 1,
///                 None => break,
///             },
///         }
///     }
///
///     heddle::pin! {
///         let answer = async { 42 };
///     }
///     assert_eq!((&mut answer).await, 42);
///     rounds
/// });
/// assert!(rounds <= 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => {$(
        #[allow(unused_mut)]
        let mut $x = ::core::pin::pin!($x);
    )*};
    ($(let $x:ident = $init:expr;)*) => {$(
        #[allow(unused_mut)]
        let mut $x = ::core::pin::pin!($init);
    )*};
}
