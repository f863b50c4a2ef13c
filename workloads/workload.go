// Package workloads is rbench's load engine: it runs a Workload's operations
// against Redis from --connections workers, closed loop or open loop at a
// paced rate, and records every operation's latency in HDR histograms.
//
// # Measurement
//
// Every operation carries its intended send time. In open loop (a Pacer) the
// intended time comes from the schedule; the engine records both the service
// time (actual send to reply) and the response time (intended send to
// reply), which includes the time the operation waited because the server or
// the client fell behind: the correction for coordinated omission that wrk2
// makes. In closed loop the intended time is the actual send, so response
// equals service. Warm-up operations are never recorded.
//
// Each worker owns its histograms (hdrhistogram-go is not safe for
// concurrent use), allocated lazily for the op kinds it runs; they are merged
// at the end, never averaged. Per-second response-time histograms are handed
// from the workers to a collector once a second and merged across workers
// into the per-second series.
//
// # Plug-ins
//
// A workload implements Workload (and Worker): see their documentation and
// raw.go, the smallest complete example. Register it with Register.
package workloads

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// OpKind names one kind of operation a workload performs, e.g. {"add_order",
// results.ClassWrite}. Results, histograms and the final table are per kind.
type OpKind struct {
	Name  string // snake_case: set, get, add_order, read_order, scan, mget
	Class string // results.ClassWrite, results.ClassRead or results.ClassStartup
}

// Workload is a plug-in the engine runs. The engine makes a fresh Workload
// (Definition.New) for every encoding pass, calls Setup once, then NewWorker
// once per connection, and drives the workers from their own goroutines.
// A Workload that holds resources of its own (connections) implements
// io.Closer; the engine closes it when the pass ends, also after a failed
// Setup.
type Workload interface {
	// Name is the workload's registered name, e.g. "raw".
	Name() string
	// OpKinds lists every kind the workers may return; Op.Kind indexes it.
	OpKinds() []OpKind
	// Setup prepares the keyspace under env.Prefix before anything is timed
	// (e.g. loads the keys a read workload reads). The keyspace is already
	// clean. Setup may use env.Client freely.
	Setup(ctx context.Context, env *Env) error
	// NewWorker returns worker id's generator (0 <= id < env.Connections).
	// Seed it from env.Seed and id so runs reproduce.
	NewWorker(id int) Worker
}

// Worker produces the operations of one connection slot. The engine calls a
// Worker from one goroutine only; it need not be safe for concurrent use.
//
// For each operation the engine calls Next with a reset *Op, sends op.Cmds
// (one round trip; MULTI/EXEC around them when op.Tx; each its own
// MULTI/EXEC, or queued for the buffer's flush, when op.Writer; several
// operations in one round trip with --pipeline), times it, then calls Check with the same
// *Op after the replies arrived. Workers keep state (which orders are open,
// ...) across calls as they like.
type Worker interface {
	// Next fills op with the next operation: Kind, Cmds (built with
	// redis.NewXxxCmd(ctx, ...)), Tx, and Encode when the workload encoded a
	// payload. Returning an error stops the run (use it for broken
	// generators, not for Redis errors).
	Next(ctx context.Context, op *Op) error
	// Check inspects the replies in op.Cmds (and decodes payloads, timing the
	// decode into op.Decode). A non-nil error counts the operation as failed;
	// wrap decode failures with ErrDecode. The engine has already counted
	// command errors (redis.Nil is a miss, not an error) before Check.
	Check(op *Op) error
}

// Replayer is implemented by a Worker of Writer ops with a Read step
// (keyspace.Read, the Rust node's update_order): before a step marked
// Decode the engine calls Replay with the op and the Read command, its
// reply in hand, and times the call into op.Decode. Replay decodes what the
// node decodes there (every element of the list and the event just
// appended); an error, wrapping ErrDecode, fails the call and skips the
// step, as the node skips its index transaction.
type Replayer interface {
	Replay(op *Op, read redis.Cmder) error
}

// Sender is implemented by a Worker that sends its batches itself instead
// of through go-redis commands: Next fills Kind, Index and the byte counts
// and leaves Cmds empty; the engine then calls Send once per batch, timing
// the call as the round trip. Send must set Err on every op that failed
// (all of them after a broken connection) and BytesReceived on the others.
// Only the raw workload does this, to keep the load generator's CPU per
// operation near redis-benchmark's (see internal/resp).
type Sender interface {
	Worker
	Send(ctx context.Context, batch []Op)
}

// OneShot is implemented by workloads that run a fixed plan once instead of
// a stream of operations (startup-load). The engine calls Setup, then Run
// instead of NewWorker, ignores --duration, --ops, --rate and --warmup, and
// adds the returned StartupLoad to the results. Record per-command latency
// with rec (one Recorder per goroutine: env.NewRecorder).
type OneShot interface {
	Run(ctx context.Context, env *Env, rec *Recorder) (results.StartupLoad, error)
}

// Op is one operation: the commands sent in one round trip and what the
// workload learnt building and checking them. The engine reuses Ops: keep
// op.Cmds' backing array (append to op.Cmds[:0], which Next receives).
type Op struct {
	// Kind indexes Workload.OpKinds().
	Kind int
	// Cmds are sent in order in one round trip.
	Cmds []redis.Cmder
	// Tx wraps Cmds in one MULTI/EXEC; the op counts once, whatever
	// len(Cmds).
	Tx bool
	// Writer marks a cache call of the node's writer: each of Cmds is one
	// message of the writer's queue (one _backing.insert/update/delete
	// upstream). Unbuffered, the engine sends each as its own MULTI/EXEC,
	// in order, each awaited before the next (cache.rs:741-745,766-773);
	// with a buffer interval (Definition.Writer workloads) it queues them
	// for the next wall-clock flush, one MULTI/EXEC per interval. Tx is
	// ignored. See writer.go.
	Writer bool
	// Steps groups a Writer op's Cmds as the node's writer sends them
	// (keyspace.Seq: messages, plain reads, transactions of their own);
	// nil means every command is one message, as the Python node sends
	// them. See steps.go.
	Steps []keyspace.Step
	// Encode is the client-side time spent encoding payloads for this op.
	// Zero means the op carries no encoded payload (no encode histogram).
	Encode time.Duration
	// Decode is the client-side time Check spent decoding replies.
	Decode time.Duration
	// BytesSent and BytesReceived override the engine's estimate from the
	// RESP encoding of Cmds and their replies when non-zero.
	BytesSent, BytesReceived int64
	// Index carries what a Sender's Next chose (e.g. a key number) to its
	// Send; the engine ignores it.
	Index int64
	// Err is a Sender's verdict on the op (an error reply, a wrong-sized
	// value, a broken connection); for ops with Cmds the engine reads their
	// errors instead.
	Err error

	intended time.Duration // since phase start
	// sendDue, when positive, is when the op's send was due if not at
	// intended: a buffered call is sent with its flush, due at the
	// flush timer, so its lateness is the flush's (writer.go).
	sendDue time.Duration
}

// Env is what a workload gets from the engine for one encoding pass.
type Env struct {
	// Client is shared by all workers; its pool has one connection per
	// worker and has been warmed.
	Client redis.UniversalClient
	// Prefix is the run's key prefix without a trailing ':', the trader
	// key (Spec.Layout): "trader-RBENCH-001", or
	// "trader-RBENCH-001:{instance id}" with use_instance_id. Every key the
	// workload writes starts with Prefix + ":". Encodings run one after
	// another under the same prefix, each on a clean keyspace.
	Prefix string
	// Layout builds the node's keys under Prefix.
	Layout keyspace.Layout
	// Node is the node configuration this pass writes as (Spec.Node as
	// the scenario can write it today: see modelled).
	Node node.Config
	// TraderID is the trader id in the prefix, e.g. "RBENCH-001".
	TraderID string
	// Encoding is this pass's payload encoding: msgpack, json, or raw.
	Encoding string
	// Spec is the whole workload specification (flags and file).
	Spec *Spec
	// Seed is Spec.Seed; workers derive theirs from it and their id.
	Seed int64
	// Connections and Pipeline are the effective values.
	Connections, Pipeline int
	// Log receives human-readable notes (setup progress); never nil.
	Log io.Writer

	newRecorder func() *Recorder
}

// Rand returns a PCG source seeded from env.Seed and stream, e.g. a worker's id.
func (e *Env) Rand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(e.Seed), stream))
}

// NewRecorder returns a recorder whose figures are merged into the pass's
// results; one per goroutine (one-shot workloads).
func (e *Env) NewRecorder() *Recorder { return e.newRecorder() }

// Definition registers a workload.
type Definition struct {
	Name string
	// Summary is one line for `rbench run --help`.
	Summary string
	// Encodings the workload supports; nil means payload-free (raw).
	Encodings []string
	// New validates spec and builds a Workload for one encoding pass.
	New func(spec *Spec) (Workload, error)
	// Connections is this workload's default number of workers when the
	// spec leaves Connections zero: a trading node writes its cache through
	// one background writer, so its write workloads default to 1.
	// default: 0 (DefaultConnections)
	Connections int
	// UntilDone workloads run until every worker's Next returns ErrDone
	// (a dataset is written): --duration is ignored; --ops still caps.
	UntilDone bool
	// Writer workloads write the node's cache calls (Op.Writer): each
	// connection is one node writer; they honour Spec.Node.BufferInterval
	// and their results carry the writer's figures (results.Writer).
	// Other workloads refuse a buffer interval.
	Writer bool
}

// Build checks spec against what the workload supports and makes a
// Workload for one encoding pass: Run's and rbench run's one validation
// before anything touches Redis.
func (d Definition) Build(spec *Spec) (Workload, error) {
	var errs []error
	bi := spec.Node.BufferInterval
	if bi > 0 && !d.Writer {
		errs = append(errs, fmt.Errorf("%w: buffer_interval %s: workload %s has no cache writer; it applies to %s", ErrBadSpec, bi, d.Name, strings.Join(writerWorkloads(), ", ")))
	}
	if bi > 0 && d.Writer && spec.Pipeline > 1 {
		errs = append(errs, fmt.Errorf("%w: pipeline %d with buffer_interval %s: the buffered writer sends one MULTI/EXEC per interval and pipelines nothing; drop --pipeline", ErrBadSpec, spec.Pipeline, bi))
	}
	if len(d.Encodings) > 0 {
		if _, _, err := modelled(spec.WithDefaults().Node); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return d.New(spec)
}

// writerWorkloads names the registered Writer workloads.
func writerWorkloads() []string {
	var out []string
	for _, d := range Definitions() {
		if d.Writer {
			out = append(out, d.Name)
		}
	}
	return out
}

// StartupLoads is implemented by a OneShot that reports more than one
// startup load (one per style); they follow the one Run returns.
type StartupLoads interface {
	MoreStartupLoads() []results.StartupLoad
}

var (
	registryMu sync.Mutex
	registry   = map[string]Definition{}
)

// Register adds a workload definition; it panics on a duplicate name
// (registration happens in init functions).
func Register(d Definition) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[d.Name]; dup {
		panic("workloads: duplicate workload " + d.Name)
	}
	registry[d.Name] = d
}

// Lookup returns the definition registered under name.
func Lookup(name string) (Definition, error) {
	registryMu.Lock()
	defer registryMu.Unlock()
	d, ok := registry[name]
	if !ok {
		return Definition{}, fmt.Errorf("%w: workload %q: want one of %s", ErrBadSpec, name, strings.Join(namesLocked(), ", "))
	}
	return d, nil
}

// Definitions lists the registered workloads by name.
func Definitions() []Definition {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]Definition, 0, len(registry))
	for _, n := range namesLocked() {
		out = append(out, registry[n])
	}
	return out
}

func namesLocked() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
