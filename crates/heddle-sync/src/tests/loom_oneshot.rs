//! L8 oneshot: send vs receiver drop vs recv. The value is received, handed back to the
//! sender, or dropped by the receiver: exactly one of the three, in every interleaving.

use crate::loom::{Arc, AtomicUsize, Ordering};
use crate::oneshot;
use loom::future::block_on;

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn loom_oneshot_send_vs_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let t = loom::thread::spawn(move || tx.send(7).unwrap());
        assert_eq!(block_on(rx), Ok(7));
        t.join().unwrap();
    });
}

#[test]
fn loom_oneshot_sender_drop_vs_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let t = loom::thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        t.join().unwrap();
    });
}

#[test]
fn loom_oneshot_send_vs_receiver_drop() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let t = loom::thread::spawn(move || match tx.send(value) {
            Ok(()) => false,
            Err(back) => {
                drop(back);
                true
            }
        });
        drop(rx);
        let handed_back = t.join().unwrap();
        // Dropped exactly once, either by the receiver or after being handed back.
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "handed back: {handed_back}"
        );
    });
}

#[test]
fn loom_oneshot_close_vs_send() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel();
        let t = loom::thread::spawn(move || tx.send(1).is_ok());
        rx.close();
        let sent = t.join().unwrap();
        // A send that returned `Ok` is receivable after the close; one that failed is not.
        assert_eq!(rx.try_recv().is_ok(), sent);
    });
}
