package startup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// The commands of a load, each as the node sends it (queries.rs).

// scan lists a collection: SCAN MATCH {trader_key}:{match}* COUNT 5000
// until the cursor is 0 (queries.rs:135-165), as the node does, without
// removing keys a rehash returned twice.
func (l *loader) scan(ctx context.Context, collection, match string) ([]string, error) {
	keys, err := keyspace.Keys(ctx, l.c, l.key(match), keyspace.ScanOptions{
		Count: keyspace.ScanCount,
		Observe: func(cmd *redis.ScanCmd, sent time.Time) {
			ev := Event{Collection: collection, Cmd: cmd, Sent: sent, Took: time.Since(sent)}
			page, _ := cmd.Val()
			for _, k := range page {
				ev.Bytes += int64(len(k))
			}
			l.observe(ev)
		},
	})
	l.keys[collection] = int64(len(keys))
	return keys, err
}

// mget reads string values in chunks of BulkReadBatchSize, all in one MGET
// when it is 0 (queries.rs:171-230), and decodes each with decode (nil:
// not decoded).
func (l *loader) mget(ctx context.Context, collection string, keys []string, decode func(key string, v []byte) error) error {
	for len(keys) > 0 {
		n := len(keys)
		if b := l.opts.BulkReadBatchSize; b > 0 && n > b {
			n = b
		}
		chunk := keys[:n]
		keys = keys[n:]
		sent := time.Now()
		cmd := l.c.MGet(ctx, chunk...)
		vals, err := cmd.Result()
		ev := Event{Collection: collection, Cmd: cmd, Sent: sent, Took: time.Since(sent)}
		for i, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue // deleted since the SCAN
			}
			ev.Bytes += int64(len(s))
			if decode != nil {
				ev.count(decode(chunk[i], []byte(s)))
			}
		}
		l.observe(ev)
		if err != nil {
			return fmt.Errorf("MGET of %d %s keys: %w", len(chunk), collection, err)
		}
	}
	return nil
}

// lrange reads a whole list (LRANGE key 0 -1) and decodes its elements;
// want is the payload type element 0 must have. It returns the decoded
// element 0 (nil when opaque or undecodable).
func (l *loader) lrange(ctx context.Context, reader int, collection, key, want string) (any, error) {
	sent := time.Now()
	cmd := l.c.LRange(ctx, key, 0, -1)
	vals, err := cmd.Result()
	ev := Event{Collection: collection, Reader: reader, Cmd: cmd, Sent: sent, Took: time.Since(sent)}
	var first any
	opaque := l.opaque(key)
	for i, v := range vals {
		ev.Bytes += int64(len(v))
		if opaque {
			continue
		}
		p, derr := l.decode(key, []byte(v))
		if derr == nil && i == 0 && payloads.TypeOf(p) != want {
			derr = fmt.Errorf("%w: %s: element 0 is %q, want %s", ErrUndecodable, key, payloads.TypeOf(p), want)
		}
		ev.count(derr)
		if i == 0 && derr == nil {
			first = p
		}
	}
	l.observe(ev)
	if err != nil {
		return nil, fmt.Errorf("LRANGE %s 0 -1: %w", key, err)
	}
	return first, nil
}

// get reads one instrument (GET) and decodes it. A missing key is no
// error: the node logs it and skips the position.
func (l *loader) get(ctx context.Context, reader int, collection, key string) error {
	sent := time.Now()
	cmd := l.c.Get(ctx, key)
	v, err := cmd.Result()
	ev := Event{Collection: collection, Reader: reader, Cmd: cmd, Sent: sent, Took: time.Since(sent), Bytes: int64(len(v))}
	if err == nil && !l.opaque(key) {
		_, derr := l.decode(key, []byte(v))
		ev.count(derr)
	}
	l.observe(ev)
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("GET %s: %w", key, err)
	}
	return nil
}

// hgetall reads an index hash.
func (l *loader) hgetall(ctx context.Context, collection, key string) error {
	sent := time.Now()
	cmd := l.c.HGetAll(ctx, key)
	m, err := cmd.Result()
	ev := Event{Collection: collection, Cmd: cmd, Sent: sent, Took: time.Since(sent)}
	for k, v := range m {
		ev.Bytes += int64(len(k) + len(v))
	}
	l.observe(ev)
	if err != nil {
		return fmt.Errorf("HGETALL %s: %w", key, err)
	}
	return nil
}

func (l *loader) opaque(key string) bool {
	return l.opts.Codec == nil || (l.opts.Opaque != nil && l.opts.Opaque(key))
}

// decode decodes a payload into the type its "type" field names.
func (l *loader) decode(key string, data []byte) (any, error) {
	p, err := payloads.Decode(l.opts.Codec, data)
	if err != nil {
		return nil, undecodable(key, err)
	}
	return p, nil
}

// decodeInstrument is mget's decoder for instruments.
func (l *loader) decodeInstrument(key string, data []byte) error {
	if l.opaque(key) {
		return nil
	}
	_, err := l.decode(key, data)
	return err
}

// decodeCurrency is mget's decoder for currencies: the node decodes the
// map into a Currency, the code being the key's last part
// (database.pyx:292-330); the map has no "type" to dispatch on.
func (l *loader) decodeCurrency(key string, data []byte) error {
	if l.opaque(key) {
		return nil
	}
	if err := l.opts.Codec.Decode(data, new(payloads.Currency)); err != nil {
		return undecodable(key, err)
	}
	return nil
}

// undecodable names the key of a decoder's error. Bytes that are no value
// of the codec already wrap ErrUndecodable; a value the node cannot read
// either (an unknown "type", element 0 of the wrong type) counts as one too.
func undecodable(key string, err error) error {
	if errors.Is(err, ErrUndecodable) {
		return fmt.Errorf("%s: %w", key, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUndecodable, key, err)
}

// count adds a decode outcome to the event.
func (ev *Event) count(err error) {
	if err == nil {
		return
	}
	ev.Undecodable++
	if ev.DecodeErr == nil {
		ev.DecodeErr = err
	}
}
