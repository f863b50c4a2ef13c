package startup

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// loadSequential is the Python node's load (execution/engine.pyx:774-850):
// general, currencies, instruments, accounts, orders (then the two index
// hashes), positions, one blocking command after another. Synthetic
// instruments and index sets are not read.
func loadSequential(ctx context.Context, l *loader) error {
	return pythonSequence(ctx, l, func(_ context.Context, keys []string, read func(reader, i int, key string) error) error {
		for i, k := range keys {
			if err := read(0, i, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// loadConcurrent is the Python node's sequence with the per-key reads of
// each collection spread over Concurrency readers.
func loadConcurrent(ctx context.Context, l *loader) error {
	return pythonSequence(ctx, l, func(ctx context.Context, keys []string, read func(reader, i int, key string) error) error {
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		var next atomic.Int64
		var wg sync.WaitGroup
		for r := range min(l.opts.Concurrency, len(keys)) {
			wg.Go(func() {
				for ctx.Err() == nil {
					i := int(next.Add(1) - 1)
					if i >= len(keys) {
						return
					}
					if err := read(r, i, keys[i]); err != nil {
						cancel(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return ctx.Err()
	})
}

// eachFunc runs read for every key (i is the key's index), one after
// another or from several readers.
type eachFunc func(ctx context.Context, keys []string, read func(reader, i int, key string) error) error

// pythonSequence is what the Python node reads, collection by collection
// (cache/database.pyx:255-755, queries.rs):
//
//	general      SCAN {tk}:general:*      then MGET (chunked by bulk_read_batch_size)
//	currencies   SCAN {tk}:currencies*    then MGET
//	instruments  SCAN {tk}:instruments*   then MGET
//	accounts     SCAN {tk}:accounts*      then LRANGE 0 -1 per key
//	orders       SCAN {tk}:orders*        then LRANGE 0 -1 per key, HGETALL index:order_position, HGETALL index:order_client
//	positions    SCAN {tk}:positions*     then per key LRANGE 0 -1 and GET instruments:{id} of its first fill
//
// A collection whose SCAN finds nothing sends no MGET.
func pythonSequence(ctx context.Context, l *loader, each eachFunc) error {
	if _, err := l.mgetCollection(ctx, keyspace.General, keyspace.General+keyspace.Delimiter, nil); err != nil {
		return err
	}
	if _, err := l.mgetCollection(ctx, keyspace.Currencies, keyspace.Currencies, l.decodeCurrency); err != nil {
		return err
	}
	instruments, err := l.mgetCollection(ctx, keyspace.Instruments, keyspace.Instruments, l.decodeInstrument)
	if err != nil {
		return err
	}

	accounts, err := l.scan(ctx, keyspace.Accounts, keyspace.Accounts)
	if err != nil {
		return err
	}
	if err := each(ctx, accounts, func(r, _ int, key string) error {
		_, err := l.lrange(ctx, r, keyspace.Accounts, key, payloads.TypeAccountState)
		return err
	}); err != nil {
		return err
	}

	orders, err := l.scan(ctx, keyspace.Orders, keyspace.Orders)
	if err != nil {
		return err
	}
	if err := each(ctx, orders, func(r, _ int, key string) error {
		_, err := l.lrange(ctx, r, keyspace.Orders, key, payloads.TypeOrderInitialized)
		return err
	}); err != nil {
		return err
	}
	for _, idx := range []string{keyspace.IndexOrderPosition, keyspace.IndexOrderClient} {
		if err := l.hgetall(ctx, keyspace.Orders, l.key(keyspace.Index+keyspace.Delimiter+idx)); err != nil {
			return err
		}
	}

	positions, err := l.scan(ctx, keyspace.Positions, keyspace.Positions)
	if err != nil {
		return err
	}
	return each(ctx, positions, func(r, i int, key string) error {
		first, err := l.lrange(ctx, r, keyspace.Positions, key, payloads.TypeOrderFilled)
		if err != nil {
			return err
		}
		var ikey string
		switch fill, ok := first.(*payloads.OrderFilled); {
		case ok:
			ikey = l.key(keyspace.Instruments + keyspace.Delimiter + fill.InstrumentID)
		case l.opaque(key) && len(instruments) > 0:
			ikey = instruments[i%len(instruments)]
		default:
			// Empty, or its first fill did not decode: the node reads
			// no instrument for it.
			return nil
		}
		return l.get(ctx, r, keyspace.Positions, ikey)
	})
}

// mgetCollection SCANs a collection and MGETs what it found.
func (l *loader) mgetCollection(ctx context.Context, collection, match string, decode func(string, []byte) error) ([]string, error) {
	keys, err := l.scan(ctx, collection, match)
	if err != nil {
		return nil, err
	}
	return keys, l.mget(ctx, collection, keys, decode)
}
