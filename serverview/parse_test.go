package serverview

import (
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/results"
)

// The same reply as go-redis hands it over under RESP2 and RESP3; Redis
// sends cumulative counts and only the buckets where the count grew.
var (
	resp2Reply = []any{
		"set", []any{"calls", int64(7), "histogram_usec", []any{int64(8), int64(2), int64(16), int64(5), int64(66), int64(6), int64(132), int64(7)}},
		"rpush", []any{"calls", int64(2), "histogram_usec", []any{int64(33), int64(1), int64(66), int64(2)}},
	}
	resp3Reply = map[any]any{
		"set":   map[any]any{"calls": int64(7), "histogram_usec": map[any]any{int64(132): int64(7), int64(8): int64(2), int64(66): int64(6), int64(16): int64(5)}},
		"rpush": map[any]any{"calls": int64(2), "histogram_usec": map[any]any{int64(33): int64(1), int64(66): int64(2)}},
	}
	wantParsed = map[string]CommandHistogram{
		"set":   {Calls: 7, Counts: map[int64]int64{8: 2, 16: 3, 66: 1, 132: 1}},
		"rpush": {Calls: 2, Counts: map[int64]int64{33: 1, 66: 1}},
	}
)

func manyBuckets(n int) []any {
	var out []any
	for i := range n {
		out = append(out, int64(i+1), int64(i+1))
	}
	return out
}

func TestParseLatencyHistogram(t *testing.T) {
	tests := []struct {
		name    string
		reply   any
		want    map[string]CommandHistogram
		wantErr bool
	}{
		{"resp2", resp2Reply, wantParsed, false},
		{"resp3", resp3Reply, wantParsed, false},
		{"empty", []any{}, map[string]CommandHistogram{}, false},
		{"odd array", []any{"set"}, nil, true},
		{"not a map", int64(3), nil, true},
		{"bucket not a number", []any{"get", []any{"histogram_usec", []any{"x", int64(1)}}}, nil, true},
		{"cumulative falls", []any{"get", []any{"histogram_usec", []any{int64(1), int64(5), int64(2), int64(3)}}}, nil, true},
		// Whatever the server sends is input: bounds a reply from Redis never has.
		{"negative bound", []any{"get", []any{"histogram_usec", []any{int64(-8), int64(5)}}}, nil, true},
		{"zero bound", []any{"get", []any{"histogram_usec", []any{int64(0), int64(5)}}}, nil, true},
		{"bound past 2^40 us", []any{"get", []any{"histogram_usec", []any{int64(1) << 41, int64(5)}}}, nil, true},
		{"negative calls", []any{"get", []any{"calls", int64(-1)}}, nil, true},
		{"too many buckets", []any{"get", []any{"histogram_usec", manyBuckets(300)}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have, err := ParseLatencyHistogram(tt.reply)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(have, tt.want) {
				t.Errorf("have %+v, want %+v", have, tt.want)
			}
		})
	}
}

func TestDifference(t *testing.T) {
	start := map[string]CommandHistogram{
		"set":  {Calls: 3, Counts: map[int64]int64{8: 2, 16: 1}},
		"ping": {Calls: 4, Counts: map[int64]int64{1: 4}},
	}
	end := map[string]CommandHistogram{
		// 100 new sets: 90 at <=8 us, 9 at <=16 us, 1 at <=1048 us.
		"set":  {Calls: 103, Counts: map[int64]int64{8: 92, 16: 10, 1048: 1}},
		"ping": {Calls: 4, Counts: map[int64]int64{1: 4}}, // did not run
		"get":  {Calls: 1, Counts: map[int64]int64{4: 1}}, // new since start
	}
	have, reset := Difference(start, end)
	want := []results.ServerLatency{
		{Command: "get", Calls: 1, Count: 1, P50Us: 4, P99Us: 4, P999Us: 4, MaxUs: 4,
			Buckets: []results.LatencyBucket{{LeUs: 4, Count: 1}}},
		{Command: "set", Calls: 100, Count: 100, P50Us: 8, P99Us: 16, P999Us: 1048, MaxUs: 1048,
			Buckets: []results.LatencyBucket{{LeUs: 8, Count: 90}, {LeUs: 16, Count: 9}, {LeUs: 1048, Count: 1}}},
	}
	if reset || !reflect.DeepEqual(have, want) {
		t.Errorf("reset %v\nhave %+v\nwant %+v", reset, have, want)
	}

	// A reset during the run (counts fall) is reported, not turned negative.
	_, reset = Difference(end, start)
	if !reset {
		t.Error("falling counts not reported as a reset")
	}
}

func TestParseInfo(t *testing.T) {
	info := "# Memory\r\nused_memory:1048576\r\nused_memory_rss:2097152\r\nmem_fragmentation_ratio:2.00\r\n" +
		"# Stats\r\ninstantaneous_ops_per_sec:1234\r\ntotal_commands_processed:99\r\nevicted_keys:3\r\nrejected_connections:1\r\nlatest_fork_usec:450\r\n" +
		"# Clients\r\nconnected_clients:51\r\n# Persistence\r\naof_current_size:4096\r\naof_base_size:1024\r\naof_buffer_length:7\r\nmem_clients_normal:1900\r\naof_rewrite_in_progress:1\r\naof_last_bgrewrite_status:err\r\n" +
		"# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\ndb3:keys=5,expires=1,avg_ttl=10\r\ndbx:keys=9\r\n"
	want := results.ServerSecond{
		UsedMemory: 1 << 20, UsedMemoryRSS: 2 << 20, Fragmentation: 2, OpsPerSec: 1234, TotalCommands: 99,
		EvictedKeys: 3, RejectedConnections: 1, LatestForkUs: 450, ConnectedClients: 51, AOFSize: 4096, AOFBaseSize: 1024, AOFBuffer: 7, ClientMemory: 1900,
		AOFRewriteInProgress: true, AOFLastRewriteStatus: "err", Keys: map[string]int64{"db0": 12, "db3": 5},
	}
	if have := ParseInfo(info); !reflect.DeepEqual(have, want) {
		t.Errorf("have %+v\nwant %+v", have, want)
	}
}

func TestSlowlogSince(t *testing.T) {
	at := time.Unix(1700000000, 0)
	// SLOWLOG GET returns newest first.
	entries := []redis.SlowLog{
		{ID: 14, Time: at, Duration: 12 * time.Millisecond, Args: []string{"SET", "k"}},
		{ID: 12, Time: at, Duration: 11 * time.Millisecond, Args: []string{"GET", "k"}},
		{ID: 10, Time: at, Duration: 10 * time.Millisecond, Args: []string{"OLD"}},
	}
	kept, missed := slowlogSince(entries, 10)
	if len(kept) != 2 || kept[0].ID != 12 || kept[1].ID != 14 || kept[1].DurationUs != 12000 || kept[0].Time != at.Unix() {
		t.Errorf("kept %+v", kept)
	}
	if missed != 1 { // id 11 fell off the end of the slow log
		t.Errorf("missed %d, want 1", missed)
	}
	if kept, missed := slowlogSince(entries, -1); len(kept) != 3 || missed != 10 {
		t.Errorf("from an empty log: kept %d, missed %d", len(kept), missed)
	}
}

func TestCollection(t *testing.T) {
	tests := []struct{ prefix, key, want string }{
		{"trader-X:", "trader-X:orders:O-1", "orders"},
		{"trader-X:json:", "trader-X:json:index:orders", "index"},
		{"trader-X:", "trader-Y:orders:O-1", ""},
		{"trader-X:", "trader-X:", ""},
		{"trader-X:", "trader-X:health", "health"},
	}
	for _, tt := range tests {
		if have := Collection(tt.prefix, tt.key); have != tt.want {
			t.Errorf("Collection(%q, %q) = %q, want %q", tt.prefix, tt.key, have, tt.want)
		}
	}
}

func FuzzParseInfo(f *testing.F) {
	f.Add("used_memory:12\r\ndb0:keys=1,expires=0\r\n")
	f.Add("db:keys=\r\n#x:y\r\n::\r\n")
	f.Add("db0\r:keys=-5\r\nmem_fragmentation_ratio:+Inf\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		sec := ParseInfo(s)
		for db, n := range sec.Keys {
			if len(db) < 3 || db[:2] != "db" {
				t.Errorf("keyspace entry %q is not a database", db)
			}
			if n < 0 {
				t.Errorf("keyspace entry %s holds %d keys", db, n)
			}
		}
		if sec.Fragmentation != sec.Fragmentation || sec.Fragmentation > 1e308 || sec.Fragmentation < -1e308 {
			t.Errorf("fragmentation %v from %q", sec.Fragmentation, s)
		}
	})
}

// FuzzParseLatencyHistogram builds RESP2-shaped replies from fuzz bytes: the
// parser must return an error or a histogram whose per-bucket counts are
// never negative and sum to the largest cumulative count.
func FuzzParseLatencyHistogram(f *testing.F) {
	f.Add([]byte{8, 2, 16, 5, 66, 6}, true)
	f.Add([]byte{1, 5, 2, 3}, false)
	f.Add([]byte{7}, true)
	f.Fuzz(func(t *testing.T, data []byte, asMap bool) {
		var flat []any
		var maxCum int64
		for _, b := range data {
			flat = append(flat, int64(b))
		}
		for i := 1; i < len(flat); i += 2 {
			maxCum = max(maxCum, flat[i].(int64))
		}
		var reply any = []any{"cmd", []any{"calls", int64(len(data)), "histogram_usec", flat}}
		if asMap {
			m := map[any]any{}
			for i := 0; i+1 < len(flat); i += 2 {
				m[flat[i]] = flat[i+1]
			}
			reply = map[any]any{"cmd": map[any]any{"histogram_usec": m}}
		}
		h, err := ParseLatencyHistogram(reply)
		if err != nil {
			return
		}
		var sum int64
		for le, n := range h["cmd"].Counts {
			if le < 1 || le > maxBucketUs {
				t.Fatalf("bucket bound %d accepted", le)
			}
			if n < 0 {
				t.Fatalf("bucket %d has %d", le, n)
			}
			sum += n
		}
		if !asMap && sum != maxCum {
			t.Errorf("buckets sum to %d, largest cumulative count %d", sum, maxCum)
		}
	})
}
