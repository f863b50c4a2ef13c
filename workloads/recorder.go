package workloads

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/rbench/rbench/results"
)

// Per-second histograms use 2 significant digits (1% resolution, like
// memtier's per-second histograms): about 27 KB each instead of the 190 KB
// of a 3-digit total histogram over the same hour, which matters because
// they exist per worker and op kind. Codec and send-lateness histograms
// (nanoseconds) are 2-digit too (results.NewCodecHistogram,
// results.NewSendLateHistogram).
const secondDigits = 2

func newSecondHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(results.HistMinUs, results.HistMaxUs, secondDigits)
}

// newCodecHistogram records nanoseconds: results stores codec histograms in
// ns because encodes often take under a microsecond.
func newCodecHistogram() *hdrhistogram.Histogram { return results.NewCodecHistogram() }

// secondPool recycles per-second histograms between the workers, which hand
// them over once a second, and the collector, which merges and resets them.
var secondPool = sync.Pool{New: func() any { return newSecondHistogram() }}

// kindRec is one worker's record of one op kind.
type kindRec struct {
	service  *hdrhistogram.Histogram // microseconds
	response *hdrhistogram.Histogram // microseconds; nil in closed loop (== service)
	encode   *hdrhistogram.Histogram // nanoseconds, lazily
	decode   *hdrhistogram.Histogram // nanoseconds, lazily

	count, errors       int64
	bytesSent, bytesRcv int64

	sec       *hdrhistogram.Histogram // response time in the current second
	secCount  int64
	secErrors int64
}

// secondSnap is one worker's finished second of one op kind.
type secondSnap struct {
	sec    int
	kind   int
	hist   *hdrhistogram.Histogram
	count  int64
	errors int64
}

// Recorder records the operations of one goroutine. It is not safe for
// concurrent use, except that the collector reads its counters and takes its
// finished seconds under mu. The zero value is not usable: get one from
// Env.NewRecorder (one-shot workloads) or from the engine.
type Recorder struct {
	open  bool      // open loop: response is recorded apart from service
	start time.Time // start of the measured phase; seconds count from here
	kinds []*kindRec

	cur int // second being filled

	errs    results.ErrorCounts
	late    int64
	maxLate time.Duration
	lateMin time.Duration // sends later than this are late
	// sendLate is the sender's own lateness (ns) for sends that were not
	// behind; nil until the first.
	sendLate *hdrhistogram.Histogram

	// Read by the progress reporter.
	ops     atomic.Int64
	errored atomic.Int64

	mu       sync.Mutex
	finished []secondSnap
	// watermark: every second below it has been handed over.
	watermark atomic.Int64
}

func newRecorder(nkinds int, open bool, start time.Time, lateMin time.Duration) *Recorder {
	return &Recorder{open: open, start: start, kinds: make([]*kindRec, nkinds), lateMin: lateMin}
}

func (r *Recorder) kind(k int) *kindRec {
	kr := r.kinds[k]
	if kr == nil {
		kr = &kindRec{service: results.NewHistogram(), sec: secondPool.Get().(*hdrhistogram.Histogram)}
		if r.open {
			kr.response = results.NewHistogram()
		}
		r.kinds[k] = kr
	}
	return kr
}

// toUs converts a latency to whole microseconds within the histogram range:
// faster than 1 us counts as 1 us, beyond the hour as the top, where it is
// counted as overflow (results.ClampUs).
func toUs(d time.Duration) int64 { return results.ClampUs(d) }

func toNs(d time.Duration) int64 { return results.ClampNs(d, results.CodecMaxNs) }

// recordSendLate adds the lateness of one send that was not behind: the
// worker waited for its due time and left late after all.
func (r *Recorder) recordSendLate(late time.Duration) {
	if r.sendLate == nil {
		r.sendLate = results.NewSendLateHistogram()
	}
	_ = r.sendLate.RecordValue(results.ClampNs(late, results.SendLateMaxNs))
}

// record adds one successful operation. Times are offsets from r.start:
// intended is when the schedule meant to send it, sent when it left, done
// when its reply arrived. It does not allocate, except the first time a kind
// is seen and once a second.
func (r *Recorder) record(k int, intended, sent, done time.Duration, op *Op, bytesSent, bytesRcv int64) {
	r.rotate(done)
	kr := r.kind(k)
	service := toUs(done - sent)
	_ = kr.service.RecordValue(service)
	response := service
	if kr.response != nil {
		response = toUs(done - intended)
		_ = kr.response.RecordValue(response)
	}
	_ = kr.sec.RecordValue(response)
	kr.secCount++
	kr.count++
	kr.bytesSent += bytesSent
	kr.bytesRcv += bytesRcv
	if op != nil {
		if op.Encode > 0 {
			if kr.encode == nil {
				kr.encode = newCodecHistogram()
			}
			_ = kr.encode.RecordValue(toNs(op.Encode))
		}
		if op.Decode > 0 {
			if kr.decode == nil {
				kr.decode = newCodecHistogram()
			}
			_ = kr.decode.RecordValue(toNs(op.Decode))
		}
	}
	if r.open {
		due := intended
		if op != nil && op.sendDue > 0 {
			due = op.sendDue // a buffered call leaves with its flush (writer.go)
		}
		if l := sent - due; l > r.lateMin {
			r.late++
			if l > r.maxLate {
				r.maxLate = l
			}
		}
	}
	r.ops.Add(1)
}

// recordBatch adds n successful closed-loop operations of kind k that
// left together at sent and were answered together at done (one pipelined
// round trip), so each took the same time: the same values record does n
// times, written once with a count. Operations with encode or decode times
// or an intended time of their own go through record.
func (r *Recorder) recordBatch(k int, sent, done time.Duration, n, bytesSent, bytesRcv int64) {
	r.rotate(done)
	kr := r.kind(k)
	service := toUs(done - sent)
	_ = kr.service.RecordValues(service, n)
	if kr.response != nil {
		_ = kr.response.RecordValues(service, n)
	}
	_ = kr.sec.RecordValues(service, n)
	kr.secCount += n
	kr.count += n
	kr.bytesSent += bytesSent
	kr.bytesRcv += bytesRcv
	r.ops.Add(n)
}

// recordError counts one failed operation of kind k, its reply at done.
func (r *Recorder) recordError(k int, done time.Duration, class ErrorClass) {
	r.rotate(done)
	kr := r.kind(k)
	kr.errors++
	kr.secErrors++
	class.add(&r.errs)
	r.errored.Add(1)
}

// rotate hands the finished second over to the collector when done falls in
// a later second.
func (r *Recorder) rotate(done time.Duration) {
	s := int(done / time.Second)
	if s <= r.cur {
		return
	}
	r.handOver()
	r.cur = s
	r.watermark.Store(int64(s))
}

func (r *Recorder) handOver() {
	var snaps []secondSnap
	for k, kr := range r.kinds {
		if kr == nil || (kr.secCount == 0 && kr.secErrors == 0) {
			continue
		}
		snaps = append(snaps, secondSnap{sec: r.cur, kind: k, hist: kr.sec, count: kr.secCount, errors: kr.secErrors})
		kr.sec = secondPool.Get().(*hdrhistogram.Histogram)
		kr.secCount, kr.secErrors = 0, 0
	}
	if len(snaps) > 0 {
		r.mu.Lock()
		r.finished = append(r.finished, snaps...)
		r.mu.Unlock()
	}
}

// close hands over the last second; the collector then waits no longer for
// this recorder.
func (r *Recorder) close() {
	r.handOver()
	r.watermark.Store(math.MaxInt64)
}

// take removes and returns the finished seconds.
func (r *Recorder) take() []secondSnap {
	r.mu.Lock()
	s := r.finished
	r.finished = nil
	r.mu.Unlock()
	return s
}

// Observe records one operation of kind k that a one-shot workload timed
// itself: sent is when its first command left, err its outcome. Response
// time equals service time. It is for OneShot workloads and tests.
func (r *Recorder) Observe(k int, sent time.Time, err error) {
	done := time.Since(r.start)
	s := sent.Sub(r.start)
	if err != nil {
		r.recordError(k, done, Classify(err))
		return
	}
	r.record(k, s, s, done, nil, 0, 0)
}

// AddBytes adds bytes sent and received to kind k.
func (r *Recorder) AddBytes(k int, sent, received int64) {
	kr := r.kind(k)
	kr.bytesSent += sent
	kr.bytesRcv += received
}
