package workloads

// Raw's key space and value sizes, with memtier_benchmark's options:
// key patterns (R, G, S, P, Z per SET and GET, --key-pattern S:G), a key
// range (--key-minimum, --key-maximum), value sizes from a range
// (--data-size-range), and a share of the keys for one generator of several
// (--shard).
//
// Key numbers: the spec's Keys keys are numbered KeyMinimum .. KeyMinimum +
// Keys - 1 and named {prefix}:key:{number}, zero-padded to one width. A
// shard i of n owns every n-th key, j = i, i+n, i+2n, ... (an interleaving,
// so that the shards' hottest keys together are the whole spec's); the
// patterns pick a key among the shard's own, numbered r = 0 .. owned-1
// ("local"), and G picks a key number and takes the shard's nearest.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Raw's params beyond client (Spec.Params, or the memtier-named flags).
const (
	ParamKeyPattern   = "key_pattern"    // set:get pattern, e.g. R:R (default), S:R, G:G
	ParamKeyMinimum   = "key_minimum"    // the first key number (default 0)
	ParamKeyStddev    = "key_stddev"     // G: standard deviation in keys (default: the range / 6)
	ParamKeyMedian    = "key_median"     // G: the median key number (default: the middle of the range)
	ParamValueSizeMax = "value_size_max" // with value_size as the minimum: sizes from that range
)

// Key patterns (memtier's letters).
const (
	PatternRandom     = 'R' // uniform over the keys
	PatternGaussian   = 'G' // normal around key_median with key_stddev
	PatternSequential = 'S' // each worker walks the keys in order, from the first, wrapping
	PatternParallel   = 'P' // each worker walks its own slice of the keys in order
	PatternZipf       = 'Z' // zipfian (s 1.1), as --distribution zipfian
)

// rawKeys is the key space of one raw pass.
type rawKeys struct {
	min         int64 // key number of j = 0
	keys        int64 // the spec's keys
	shard, of   int64 // this generator's shard (0-based) and the count; of >= 1
	owned       int64 // keys this shard owns
	width       int   // digits of a key number
	pattern     [2]byte
	median      float64 // G, in j
	stddev      float64 // G, in keys
	sizeMin     int
	sizeMax     int // == sizeMin for fixed sizes
	sizeSeed    uint64
	firstWorker int // this shard's first worker among the whole spec's
}

// parseRawKeys reads the key-space params of spec; it validates them all
// and reports each problem.
func parseRawKeys(spec *Spec) (rawKeys, []error) {
	k := rawKeys{keys: spec.Keys, of: 1, pattern: [2]byte{PatternRandom, PatternRandom}, sizeMin: spec.ValueSize, sizeMax: spec.ValueSize}
	if k.keys <= 0 {
		k.keys = DefaultKeys
	}
	if spec.Shard.Count > 1 {
		k.shard, k.of, k.firstWorker = int64(spec.Shard.Index), int64(spec.Shard.Count), spec.Shard.FirstWorker
	}
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrBadSpec}, a...)...))
	}
	get := func(name string) (string, bool) {
		for n, v := range spec.Params {
			if strings.ReplaceAll(n, "-", "_") == name {
				return strings.TrimSpace(fmt.Sprint(v)), true
			}
		}
		return "", false
	}
	if v, ok := get(ParamKeyMinimum); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 1e15 {
			bad("param %s %q: want a whole number from 0 to 1e15", ParamKeyMinimum, v)
		} else {
			k.min = n
		}
	}
	if v, ok := get(ParamKeyPattern); ok {
		p, err := parseKeyPattern(v)
		if err != nil {
			bad("param %s %q: %v", ParamKeyPattern, v, err)
		}
		k.pattern = p
		if spec.Distribution == "zipfian" && (p[0] != PatternRandom || p[1] != PatternRandom) && (p[0] != PatternZipf || p[1] != PatternZipf) {
			bad("param %s %q with distribution zipfian: say Z in the pattern instead (Z:Z is --distribution zipfian)", ParamKeyPattern, v)
		}
	} else if spec.Distribution == "zipfian" {
		k.pattern = [2]byte{PatternZipf, PatternZipf}
	}
	if spec.Distribution == "zipfian" && k.pattern == [2]byte{PatternRandom, PatternRandom} {
		k.pattern = [2]byte{PatternZipf, PatternZipf}
	}
	k.owned = (k.keys - k.shard + k.of - 1) / k.of
	if k.owned < 1 {
		bad("keys %d over %d shards: shard %d owns no key; give at least %d keys", k.keys, k.of, k.shard+1, k.of)
	}
	k.width = max(6, len(strconv.FormatInt(k.min+k.keys-1, 10)))
	k.median = float64(k.keys-1) / 2
	k.stddev = float64(k.keys) / 6
	if v, ok := get(ParamKeyMedian); ok {
		m, err := strconv.ParseFloat(v, 64)
		if err != nil || m < float64(k.min) || m > float64(k.min+k.keys-1) {
			bad("param %s %q: want a key number from %d to %d", ParamKeyMedian, v, k.min, k.min+k.keys-1)
		} else {
			k.median = m - float64(k.min)
		}
	}
	if v, ok := get(ParamKeyStddev); ok {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || !(s > 0) || s > 1e15 {
			bad("param %s %q: want a positive number of keys", ParamKeyStddev, v)
		} else {
			k.stddev = s
		}
	}
	if v, ok := get(ParamValueSizeMax); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < spec.ValueSize || n > 512<<20 {
			bad("param %s %q: want a size in bytes from value_size (%d) to 536870912", ParamValueSizeMax, v, spec.ValueSize)
		} else {
			k.sizeMax = n
		}
	}
	k.sizeSeed = uint64(spec.Seed)
	return k, errs
}

// parseKeyPattern reads memtier's SET:GET pattern ("R:R", "S:G"); one
// letter applies to both.
func parseKeyPattern(s string) ([2]byte, error) {
	set, get, two := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), ":")
	if !two {
		get = set
	}
	var out [2]byte
	for i, p := range []string{set, get} {
		if len(p) != 1 || !strings.ContainsRune("RGSPZ", rune(p[0])) {
			return out, fmt.Errorf("want SET:GET patterns of R (uniform random), G (gaussian), S (sequential), P (parallel: each connection its own slice) or Z (zipfian), e.g. R:R or S:R")
		}
		out[i] = p[0]
	}
	return out, nil
}

// number is the key number of local key r.
func (k *rawKeys) number(r int64) int64 { return k.min + r*k.of + k.shard }

// sized reports whether value sizes vary.
func (k *rawKeys) sized() bool { return k.sizeMax > k.sizeMin }

// size is the value size of key number n: fixed, or drawn once per key
// from the range (by the seed, so a GET knows what its SET wrote and
// repeated runs write the same sizes). memtier's --data-size-range draws a
// new size for every SET; rbench keeps one per key so that every GET is
// checked against the size it must return.
func (k *rawKeys) size(n int64) int {
	if !k.sized() {
		return k.sizeMin
	}
	x := splitmix64(k.sizeSeed ^ uint64(n)*0x9e3779b97f4a7c15)
	return k.sizeMin + int(x%uint64(k.sizeMax-k.sizeMin+1))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// keyPicker is one worker's choice of keys under the patterns.
type keyPicker struct {
	k      *rawKeys
	rng    *rand.Rand
	zipf   *rand.Zipf
	seq    [2]int64 // S: next local key per kind
	par    [2]int64 // P: next key in the worker's slice per kind
	lo, n  int64    // P: the worker's slice
	simple bool     // R:R: the common case, one draw
}

func newKeyPicker(k *rawKeys, rng *rand.Rand, worker, workers int) keyPicker {
	p := keyPicker{k: k, rng: rng, simple: k.pattern == [2]byte{PatternRandom, PatternRandom}}
	if (k.pattern[0] == PatternZipf || k.pattern[1] == PatternZipf) && k.owned > 1 {
		p.zipf = rand.NewZipf(rng, ZipfS, 1, uint64(k.owned-1))
	}
	// P: the worker's slice of the shard's keys.
	w, c := int64(worker), int64(max(1, workers))
	p.lo = w * k.owned / c
	p.n = max(1, (w+1)*k.owned/c-p.lo)
	return p
}

// pick returns a local key for kind (0 SET, 1 GET).
func (p *keyPicker) pick(kind int) int64 {
	k := p.k
	if p.simple {
		return p.rng.Int64N(k.owned)
	}
	switch k.pattern[kind] {
	case PatternZipf:
		if p.zipf == nil {
			return 0
		}
		return int64(p.zipf.Uint64())
	case PatternSequential:
		r := p.seq[kind]
		p.seq[kind] = (r + 1) % k.owned
		return r
	case PatternParallel:
		r := p.lo + p.par[kind]
		p.par[kind] = (p.par[kind] + 1) % p.n
		return min(r, k.owned-1)
	case PatternGaussian:
		// A key number j around the median, then the shard's nearest key.
		j := math.Round(k.median + p.rng.NormFloat64()*k.stddev)
		j = math.Max(0, math.Min(float64(k.keys-1), j))
		r := int64(math.Round((j - float64(k.shard)) / float64(k.of)))
		return max(0, min(r, k.owned-1))
	}
	return p.rng.Int64N(k.owned)
}
