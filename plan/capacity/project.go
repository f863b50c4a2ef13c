package capacity

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/rbench/rbench/results"
)

// Profile is the history a trading node will hold; see results.PlanProfile.
type Profile = results.PlanProfile

// Units: what a collection model's x counts.
const (
	UnitOrders        = "orders"         // order keys (also the index sets and hashes, which grow with orders)
	UnitPositions     = "positions"      // position keys
	UnitInstruments   = "instruments"    // instrument keys
	UnitAccountEvents = "account_events" // AccountState events over all accounts
	UnitKeys          = "keys"           // keys loaded at startup: orders + positions + instruments + accounts
	UnitBytes         = "bytes"          // AOF bytes, for the AOF load model
)

// DefaultUnits maps the node's collections to the unit they grow with.
var DefaultUnits = map[string]string{
	"orders":      UnitOrders,
	"index":       UnitOrders,
	"positions":   UnitPositions,
	"instruments": UnitInstruments,
	"accounts":    UnitAccountEvents,
}

// CollectionModel is the fitted cost of one collection.
type CollectionModel struct {
	Collection string
	// Unit is what x counts in the fits (UnitOrders, UnitPositions, ...).
	Unit string
	// EventsPerKey is the list elements per key the fits were measured
	// with; for orders, when the profile's EventsPerOrder differs, memory and
	// AOF are scaled by the ratio (the per-event cost dominates an order's
	// list). 0 means no scaling.
	EventsPerKey float64
	// Memory is used_memory bytes against units; AOF is AOF bytes against
	// units. A zero Fit contributes nothing.
	Memory Fit
	AOF    Fit
}

// Model is one encoding's fitted costs.
type Model struct {
	Encoding string
	// BaseMemory is used_memory of the server with no rbench keys, bytes.
	BaseMemory  int64
	Collections []CollectionModel
	// AOFLoad is Redis's AOF load time in seconds against AOF bytes.
	AOFLoad Fit
	// Load is the node's startup load in seconds against keys loaded
	// (UnitKeys), per style (sequential, concurrent).
	Load map[string]Fit
	// InstrumentBytes is the encoded size of one instrument value, for the
	// size of an MGET of all instruments; 0 skips the size check.
	InstrumentBytes float64
}

// Defaults of ProjectOptions.
const (
	DefaultForkCopyShare = 1.0
	DefaultFragmentation = 1.2
	DefaultAOFDiskFactor = 3.0
	DefaultMachineShare  = 0.5
	DefaultMGETMaxKeys   = 10_000
	DefaultMGETMaxBytes  = 64 << 20
)

// ProjectOptions tune the projection and the danger checks.
type ProjectOptions struct {
	// ForkCopyShare is the share of the dataset a fork child (AOF rewrite,
	// BGSAVE) may cause to be copied: pages the parent writes while the child
	// runs are duplicated. 1.0 is the worst case, every page written during
	// the rewrite, which doubles the memory; it is also Redis's own advice
	// for write-heavy servers. Lower it from production evidence:
	// aof_last_cow_size / used_memory, with a margin.
	// default: 1.0
	ForkCopyShare float64
	// Fragmentation is the used_memory_rss / used_memory ratio assumed.
	// default: 1.2
	Fragmentation float64
	// AOFDiskFactor is peak disk over the AOF size: with
	// auto-aof-rewrite-percentage 100 the AOF grows to twice its rewritten
	// size, and a rewrite writes a new base beside it.
	// default: 3
	AOFDiskFactor float64
	// Maxmemory is the server's limit in bytes, for the largest history that
	// fits and the over-the-limit danger.
	// default: 0, no limit given
	Maxmemory int64
	// MaxmemoryPolicy is the server's policy; an evicting one is a danger.
	// default: "", not checked
	MaxmemoryPolicy string
	// MachineMemory is the memory of the machine Redis runs on, bytes.
	// default: 0, MemTotal of this machine from /proc/meminfo; negative
	// skips the check
	MachineMemory int64
	// MachineShare is the share of MachineMemory a projection may need
	// before it is a danger.
	// default: 0.5
	MachineShare float64
	// MGETMaxKeys and MGETMaxBytes bound a single MGET of all instruments;
	// above either is a danger. They are rbench's conservative choice, not a
	// published limit of any managed service: past ten thousand keys or
	// 64 MB, one reply occupies the server and its output buffer long
	// enough to hit proxies' timeouts and client-output-buffer limits.
	// default: 10000 keys, 64 MiB
	MGETMaxKeys  int
	MGETMaxBytes int64
}

func (o ProjectOptions) withDefaults() ProjectOptions {
	if o.ForkCopyShare <= 0 {
		o.ForkCopyShare = DefaultForkCopyShare
	}
	if o.Fragmentation <= 0 {
		o.Fragmentation = DefaultFragmentation
	}
	if o.AOFDiskFactor <= 0 {
		o.AOFDiskFactor = DefaultAOFDiskFactor
	}
	if o.MachineShare <= 0 {
		o.MachineShare = DefaultMachineShare
	}
	if o.MGETMaxKeys <= 0 {
		o.MGETMaxKeys = DefaultMGETMaxKeys
	}
	if o.MGETMaxBytes <= 0 {
		o.MGETMaxBytes = DefaultMGETMaxBytes
	}
	return o
}

// Danger kinds.
const (
	DangerEvictingPolicy    = "evicting_policy"
	DangerMaxmemoryExceeded = "maxmemory_exceeded"
	DangerMachineMemory     = "machine_memory"
	DangerMGETInstruments   = "mget_instruments"
	DangerAccountEvents     = "unbounded_account_events"
)

// ErrProfile marks a profile that cannot be projected.
var ErrProfile = errors.New("invalid profile")

// Normalize fills Orders from OrdersPerDay x RetentionDays when Orders is
// zero and checks the counts.
func Normalize(p Profile) (Profile, error) {
	if p.Orders == 0 && p.OrdersPerDay > 0 && p.RetentionDays > 0 {
		p.Orders = int64(math.Round(float64(p.OrdersPerDay) * p.RetentionDays))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"orders", float64(p.Orders)}, {"orders_per_day", float64(p.OrdersPerDay)},
		{"retention_days", p.RetentionDays}, {"events_per_order", p.EventsPerOrder},
		{"positions", float64(p.Positions)}, {"instruments", float64(p.Instruments)},
		{"accounts", float64(p.Accounts)}, {"account_events", float64(p.AccountEvents)},
		{"bulk_read_batch_size", float64(p.BulkReadBatchSize)},
	} {
		if f.v < 0 || math.IsNaN(f.v) {
			return p, fmt.Errorf("%w: %s is %g: give a count of zero or more", ErrProfile, f.name, f.v)
		}
	}
	return p, nil
}

// units returns x for a unit under a profile scaled by k (k scales the
// history: orders, positions, account events; instruments stay).
func units(unit string, p Profile, k float64) (float64, error) {
	switch unit {
	case UnitOrders:
		return k * float64(p.Orders), nil
	case UnitPositions:
		return k * float64(p.Positions), nil
	case UnitInstruments:
		return float64(p.Instruments), nil
	case UnitAccountEvents:
		if p.NoAccountEvents {
			return 0, nil
		}
		return k * float64(p.Accounts*p.AccountEvents), nil
	}
	return 0, fmt.Errorf("unit %q: want one of %s, %s, %s, %s", unit, UnitOrders, UnitPositions, UnitInstruments, UnitAccountEvents)
}

// dataset is the projected used_memory and AOF bytes at history scale k.
func dataset(m Model, p Profile, k float64) (mem, aof float64, per []results.ProjectedCollection, extrap float64, err error) {
	mem = float64(m.BaseMemory)
	for _, c := range m.Collections {
		x, err := units(c.Unit, p, k)
		if err != nil {
			return 0, 0, nil, 0, fmt.Errorf("collection %s: %w", c.Collection, err)
		}
		scale := 1.0
		if c.Unit == UnitOrders && c.Collection == "orders" && c.EventsPerKey > 0 && p.EventsPerOrder > 0 {
			scale = p.EventsPerOrder / c.EventsPerKey
		}
		var cm, ca float64
		if x > 0 {
			cm = max(0, c.Memory.Predict(x)) * scale
			ca = max(0, c.AOF.Predict(x)) * scale
			extrap = max(extrap, ratio(x, c.Memory), ratio(x, c.AOF))
		}
		mem += cm
		aof += ca
		per = append(per, results.ProjectedCollection{
			Collection: c.Collection, Unit: c.Unit, Units: x,
			MemoryBytes: int64(math.Round(cm)), AOFBytes: int64(math.Round(ca)),
		})
	}
	return mem, aof, per, extrap, nil
}

func ratio(x float64, f Fit) float64 {
	if f.Model == "" || f.MaxX <= 0 {
		return 0
	}
	return x / f.MaxX
}

// Project applies one encoding's model to a profile: memory needed, AOF on
// disk, restart-to-trading-ready time per load style and, given a
// maxmemory, the largest history that fits. It returns the dangers found
// alongside.
func Project(m Model, p Profile, opts ProjectOptions) (results.PlanProjection, []results.Danger, error) {
	opts = opts.withDefaults()
	p, err := Normalize(p)
	if err != nil {
		return results.PlanProjection{}, nil, err
	}
	mem, aof, per, extrap, err := dataset(m, p, 1)
	if err != nil {
		return results.PlanProjection{}, nil, err
	}
	pr := results.PlanProjection{
		Encoding:          m.Encoding,
		Profile:           p,
		Collections:       per,
		DatasetBytes:      int64(math.Round(mem)),
		Fragmentation:     opts.Fragmentation,
		RSSBytes:          int64(math.Round(mem * opts.Fragmentation)),
		ForkCopyShare:     opts.ForkCopyShare,
		ForkHeadroomBytes: int64(math.Round(mem * opts.ForkCopyShare)),
		AOFBytes:          int64(math.Round(aof)),
		AOFDiskPeakBytes:  int64(math.Round(aof * opts.AOFDiskFactor)),
		Maxmemory:         opts.Maxmemory,
	}
	pr.MemoryNeededBytes = pr.RSSBytes + pr.ForkHeadroomBytes
	if m.AOFLoad.Model != "" && aof > 0 {
		pr.AOFLoadSec = max(0, m.AOFLoad.Predict(aof))
		extrap = max(extrap, ratio(aof, m.AOFLoad))
	}
	keys := float64(p.Orders + p.Positions + p.Instruments + p.Accounts)
	styles := make([]string, 0, len(m.Load))
	for s := range m.Load {
		styles = append(styles, s)
	}
	slices.Sort(styles)
	for _, s := range styles {
		if pr.ReadySec == nil {
			pr.ReadySec = map[string]float64{}
		}
		pr.ReadySec[s] = pr.AOFLoadSec + max(0, m.Load[s].Predict(keys))
		extrap = max(extrap, ratio(keys, m.Load[s]))
	}
	pr.Extrapolation = extrap
	if extrap > 10 {
		pr.Notes = append(pr.Notes, fmt.Sprintf("the projection goes %.0f times beyond the largest scale measured: measure a larger scale (--scales) before trusting it", extrap))
	}
	if p.EventsPerOrder > 0 {
		for _, c := range m.Collections {
			if c.Collection == "orders" && c.EventsPerKey > 0 && math.Abs(p.EventsPerOrder/c.EventsPerKey-1) > 0.01 {
				pr.Notes = append(pr.Notes, fmt.Sprintf("orders measured with %.1f events each, projected with %.1f: memory and AOF scaled by the ratio, load times not", c.EventsPerKey, p.EventsPerOrder))
			}
		}
	}

	if opts.Maxmemory > 0 {
		pr.MaxOrders, err = largestOrders(m, p, float64(opts.Maxmemory))
		if err != nil {
			return pr, nil, err
		}
		if p.OrdersPerDay > 0 {
			pr.MaxRetentionDays = float64(pr.MaxOrders) / float64(p.OrdersPerDay)
		}
		if pr.MaxOrders == 0 && p.Orders > 0 {
			pr.Notes = append(pr.Notes, "maxmemory is below the server's base memory plus the instruments: no order history fits")
		}
	}
	if opts.MachineMemory == 0 {
		if mt, err := MemTotal(); err == nil {
			opts.MachineMemory = mt
		} else {
			pr.Notes = append(pr.Notes, "machine memory unknown ("+err.Error()+"): the share-of-memory check was skipped")
		}
	}
	if opts.MachineMemory > 0 {
		pr.MachineMemory = opts.MachineMemory
	}
	return pr, Dangers(pr, m, opts), nil
}

// largestOrders finds the most orders (positions and account events
// scaled alongside, as in the profile) whose projected used_memory stays at
// or under limit, by binary search; the model must grow with the history,
// which every fit of a cost does.
func largestOrders(m Model, p Profile, limit float64) (int64, error) {
	if p.Orders == 0 {
		return 0, nil
	}
	fits := func(n int64) (bool, error) {
		mem, _, _, _, err := dataset(m, p, float64(n)/float64(p.Orders))
		return mem <= limit, err
	}
	if ok, err := fits(0); !ok || err != nil {
		return 0, err
	}
	const most = int64(1e13) // beyond this the model does not grow with history
	hi := p.Orders
	for {
		ok, err := fits(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		if hi >= most {
			return hi, nil
		}
		hi *= 2
	}
	lo := int64(0) // fits; hi does not
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := fits(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// Dangers names, in words, what puts the node described by pr at risk.
func Dangers(pr results.PlanProjection, m Model, opts ProjectOptions) []results.Danger {
	opts = opts.withDefaults()
	p := pr.Profile
	var out []results.Danger
	add := func(kind, format string, a ...any) {
		out = append(out, results.Danger{Kind: kind, Message: fmt.Sprintf(format, a...)})
	}
	if pol := strings.ToLower(opts.MaxmemoryPolicy); strings.HasPrefix(pol, "volatile-") {
		add(DangerEvictingPolicy, "maxmemory-policy is %s: it evicts only keys with a TTL, and the node's keys have none, so at the limit the node's writes fail as with noeviction while anything else in the database with a TTL is deleted; set maxmemory-policy noeviction to say what happens, and size maxmemory from this plan", pol)
	} else if pol != "" && pol != "noeviction" {
		add(DangerEvictingPolicy, "maxmemory-policy is %s: when memory is full Redis silently deletes keys, so a restart would load a trading state with orders or positions missing; set maxmemory-policy noeviction (writes then fail loudly with OOM) and size maxmemory from this plan", pol)
	}
	if opts.Maxmemory > 0 && pr.DatasetBytes > opts.Maxmemory {
		add(DangerMaxmemoryExceeded, "the projected dataset (%s) is above maxmemory (%s): the node's writes would fail (noeviction) or its history be evicted; raise maxmemory or keep at most %d orders", Bytes(pr.DatasetBytes), Bytes(opts.Maxmemory), pr.MaxOrders)
	}
	if pr.MachineMemory > 0 {
		limit := int64(opts.MachineShare * float64(pr.MachineMemory))
		if pr.MemoryNeededBytes > limit {
			add(DangerMachineMemory, "Redis would need %s (dataset %s x fragmentation %.2f, plus %s of copy-on-write headroom for an AOF rewrite), above %.0f%% of the machine's %s: give Redis a larger machine, shorten the retention, or purge closed orders and positions", Bytes(pr.MemoryNeededBytes), Bytes(pr.DatasetBytes), pr.Fragmentation, Bytes(pr.ForkHeadroomBytes), opts.MachineShare*100, Bytes(pr.MachineMemory))
		}
	}
	batch := p.BulkReadBatchSize
	if batch <= 0 || int64(batch) > p.Instruments {
		batch = int(p.Instruments)
	}
	reply := float64(batch) * m.InstrumentBytes
	if batch > opts.MGETMaxKeys || reply > float64(opts.MGETMaxBytes) {
		add(DangerMGETInstruments, "the startup load reads %d instruments with one MGET of %d keys (about %s of reply): managed Redis services and proxies often refuse or time out on replies that large; set bulk_read_batch_size = %d", p.Instruments, batch, Bytes(int64(reply)), SuggestBatch(m.InstrumentBytes, opts))
	}
	if !p.NoAccountEvents && !p.AccountEventsPurged && p.Accounts > 0 {
		add(DangerAccountEvents, "persist_account_events is on and nothing trims the accounts:{id} lists: every AccountState is kept forever (%d per account in this profile), so memory, AOF and restart time grow without bound; set persist_account_events=false if you do not need the history, or trim the lists (LTRIM) outside the node", p.AccountEvents)
	}
	return out
}

// SuggestBatch picks a bulk_read_batch_size: the largest of 5000, 2000,
// 1000, 500, 200, 100, 50 whose MGET stays within half the key limit
// and a quarter of the byte limit, so one batch is a short command.
func SuggestBatch(valueBytes float64, opts ProjectOptions) int {
	opts = opts.withDefaults()
	for _, b := range []int{5000, 2000, 1000, 500, 200, 100} {
		if b <= opts.MGETMaxKeys/2 && float64(b)*valueBytes <= float64(opts.MGETMaxBytes)/4 {
			return b
		}
	}
	return 50
}

// Bytes formats n in binary units: "512 B", "1.5 KiB", "3.2 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= unit
		if math.Abs(v) < unit || u == "TiB" {
			return strconv.FormatFloat(v, 'f', 1, 64) + " " + u
		}
	}
	return ""
}

// MemTotal reads the machine's memory from /proc/meminfo, in bytes.
func MemTotal() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("reading the machine's memory: %w", err)
	}
	defer f.Close()
	return ParseMemTotal(f)
}

// ErrNoMemTotal is returned by ParseMemTotal when no MemTotal line is found.
var ErrNoMemTotal = errors.New("no MemTotal line in /proc/meminfo")

// ParseMemTotal reads the "MemTotal: N kB" line of /proc/meminfo, in bytes.
func ParseMemTotal(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, fmt.Errorf("MemTotal line %q has no number", sc.Text())
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64/1024 {
			return 0, fmt.Errorf("MemTotal %q is not a size in kB", fields[0])
		}
		if len(fields) > 1 && fields[1] != "kB" {
			return 0, fmt.Errorf("MemTotal unit %q, want kB", fields[1])
		}
		return n * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading /proc/meminfo: %w", err)
	}
	return 0, ErrNoMemTotal
}

// ModelFromFits assembles one encoding's Model from the plan's fits:
// FigureMemory and FigureAOF per collection (the unit from DefaultUnits;
// collections it does not know are skipped and named), FigureAOFLoad as the
// AOF load model and FigureLoad per style as the startup load. baseMemory is
// used_memory of the empty server in bytes, eventsPerOrder the events per
// order the plan wrote, instrumentBytes one encoded instrument's size.
func ModelFromFits(encoding string, fits []results.PlanFit, baseMemory int64, eventsPerOrder, instrumentBytes float64) (m Model, skipped []string) {
	m = Model{Encoding: encoding, BaseMemory: baseMemory, InstrumentBytes: instrumentBytes}
	idx := map[string]int{}
	for _, f := range fits {
		if f.Encoding != encoding {
			continue
		}
		switch f.Figure {
		case results.FigureAOFLoad:
			m.AOFLoad = f.Fit
			continue
		case results.FigureLoad:
			if m.Load == nil {
				m.Load = map[string]Fit{}
			}
			m.Load[f.Style] = f.Fit
			continue
		case results.FigureMemory, results.FigureAOF:
		default:
			skipped = append(skipped, fmt.Sprintf("%s %s: figure %q is not modelled", f.Collection, f.Figure, f.Figure))
			continue
		}
		unit, ok := DefaultUnits[f.Collection]
		if !ok {
			skipped = append(skipped, fmt.Sprintf("%s %s: no unit known for collection %q", f.Collection, f.Figure, f.Collection))
			continue
		}
		i, ok := idx[f.Collection]
		if !ok {
			i = len(m.Collections)
			idx[f.Collection] = i
			cm := CollectionModel{Collection: f.Collection, Unit: unit}
			if f.Collection == "orders" {
				cm.EventsPerKey = eventsPerOrder
			}
			m.Collections = append(m.Collections, cm)
		}
		if f.Figure == results.FigureMemory {
			m.Collections[i].Memory = f.Fit
		} else {
			m.Collections[i].AOF = f.Fit
		}
	}
	return m, skipped
}
