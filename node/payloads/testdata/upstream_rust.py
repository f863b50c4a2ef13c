"""Golden payloads as a NautilusTrader 1.231.0 Rust LiveNode writes them, made without rbench.

upstream_goldens.py imports this module and calls rust_goldens(rows) with its
examples (the Python node's to_dict values), so both nodes' goldens describe
the same objects.

What it models. The Rust node's adapter stores each object as
DatabaseQueries::serialize_payload(encoding, value)
(crates/infrastructure/src/redis/queries.rs:76-100):

  1. serde_json::to_value(value): the serde derive of upstream's structs.
     rust_payload() below builds, from the Python example of an object, the
     fields the Rust struct holds for it (its field list is cross-checked
     against upstream's source where present: check_rust_fields()).
     Order events in an order list are OrderEventAny, externally tagged
     ({"Filled": {...}}, events/order/any.rs:38-56), each event carrying
     "type" (#[serde(tag = "type")]); an instrument is InstrumentAny, also
     externally tagged, without "type"; a Currency is its code; Price,
     Quantity, Money, enums, ids, UUIDs and Decimals are strings; UnixNanos
     and precisions are integers; Option::None is null; causation_id, when
     None, is left out (skip_serializing_if).
  2. convert_timestamps (queries.rs:978-1005): at every depth, a key that
     starts with "ts_" or is "expire_time_ns" and holds a non-negative
     integer becomes chrono's to_rfc3339_opts(SecondsFormat::Nanos, true):
     nine fractional digits and Z.
  3. serde_json::Value's maps are BTreeMaps (serde_json is built without
     preserve_order: Cargo.lock lists no indexmap among its dependencies),
     so every map comes out with its keys sorted, at every depth. Then
     serde_json::to_vec (compact; floats in ryu's shortest form, the layout
     msgspec also uses) or rmp_serde::to_vec: a Value's map is written as a
     msgpack map whatever rmp_serde's struct setting (to_vec against
     to_vec_named decides only how *structs* are written), integers in their
     shortest form (rmp write_uint/write_sint), floats as float64, str8 for
     32-255 byte strings, which Debian's python3-msgpack writes identically
     with use_bin_type=True.

Why it is independent of rbench: the mapping below is written from
upstream's Rust structs, not from rbench's Go, and the bytes come from
python3-msgpack and Python's json.
"""

import datetime
import json
import os
import re
import subprocess

import msgpack

UPSTREAM = os.environ.get("UPSTREAM", "/work/upstream")
MIRROR = os.environ.get("UPSTREAM_GIT", "/work/.mirror/nautechsystems+nautilus_trader/repo")

# The Rust structs' serde field names (and whether "type" is added by
# #[serde(tag = "type")]), with the file each is read from.
RUST_STRUCTS = {
    "OrderInitialized": ("crates/model/src/events/order/initialized.rs", True),
    "OrderDenied": ("crates/model/src/events/order/denied.rs", True),
    "OrderEmulated": ("crates/model/src/events/order/emulated.rs", True),
    "OrderReleased": ("crates/model/src/events/order/released.rs", True),
    "OrderSubmitted": ("crates/model/src/events/order/submitted.rs", True),
    "OrderAccepted": ("crates/model/src/events/order/accepted.rs", True),
    "OrderRejected": ("crates/model/src/events/order/rejected.rs", True),
    "OrderCanceled": ("crates/model/src/events/order/canceled.rs", True),
    "OrderExpired": ("crates/model/src/events/order/expired.rs", True),
    "OrderTriggered": ("crates/model/src/events/order/triggered.rs", True),
    "OrderPendingUpdate": ("crates/model/src/events/order/pending_update.rs", True),
    "OrderPendingCancel": ("crates/model/src/events/order/pending_cancel.rs", True),
    "OrderModifyRejected": ("crates/model/src/events/order/modify_rejected.rs", True),
    "OrderCancelRejected": ("crates/model/src/events/order/cancel_rejected.rs", True),
    "OrderUpdated": ("crates/model/src/events/order/updated.rs", True),
    "OrderFilled": ("crates/model/src/events/order/filled.rs", True),
    "AccountState": ("crates/model/src/events/account/state.rs", False),
    "AccountBalance": ("crates/model/src/types/balance.rs", False),
    "MarginBalance": ("crates/model/src/types/balance.rs", False),
    "OrderSnapshot": ("crates/model/src/events/order/snapshot.rs", False),
    "PositionSnapshot": ("crates/model/src/events/position/snapshot.rs", False),
    "CurrencyPair": ("crates/model/src/instruments/currency_pair.rs", False),
    "Equity": ("crates/model/src/instruments/equity.rs", False),
    "CryptoPerpetual": ("crates/model/src/instruments/crypto_perpetual.rs", False),
    "FuturesContract": ("crates/model/src/instruments/futures_contract.rs", False),
}

# Fields serde leaves out when None (skip_serializing_if = "Option::is_none").
SKIPPED_WHEN_NONE = {"causation_id"}


def rfc3339_nanos(ns):
    """chrono DateTime::from_timestamp_nanos(ns).to_rfc3339_opts(SecondsFormat::Nanos, true)."""
    secs, frac = divmod(ns, 1_000_000_000)
    base = datetime.datetime.fromtimestamp(secs, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return base + ".%09d" % frac + "Z"


def convert_timestamps(v):
    """queries.rs:978-1005, then the BTreeMap's sorted order."""
    if isinstance(v, dict):
        out = {}
        for k in sorted(v):
            x = v[k]
            if (k.startswith("ts_") or k == "expire_time_ns") and isinstance(x, int) and not isinstance(x, bool) and x >= 0:
                x = rfc3339_nanos(x)
            out[k] = convert_timestamps(x)
        return out
    if isinstance(v, list):
        return [convert_timestamps(e) for e in v]
    return v


def none_if(v, *nones):
    """Option::None where the Python node writes its enum's "no value" member."""
    return None if v in nones else v


def rust_order_event(d):
    """The element of an order list: OrderEventAny::<variant>(event)."""
    typ = d["type"]
    e = {k: v for k, v in d.items() if k not in ("options", "info")}
    if typ == "OrderInitialized":
        opts = d["options"]
        e["price"] = opts.get("price")
        e["display_qty"] = opts.get("display_qty")
        exp = opts.get("expire_time_ns") or 0
        e["expire_time"] = exp if exp > 0 else None
        for k in ("trigger_price", "trigger_type", "limit_offset", "trailing_offset", "trailing_offset_type"):
            e[k] = None
        e["emulation_trigger"] = none_if(d["emulation_trigger"], "NO_TRIGGER")
        e["contingency_type"] = none_if(d["contingency_type"], "NO_CONTINGENCY")
        p = d["exec_algorithm_params"]
        e["exec_algorithm_params"] = None if p is None else {k: str(v) for k, v in p.items()}  # IndexMap<Ustr, Ustr>
    if typ == "OrderUpdated":
        e["protection_price"] = None
    if typ in ("OrderPendingCancel", "OrderPendingUpdate") and e["account_id"] is None:
        raise SystemExit(f"{typ}: the Rust event's account_id is not optional")
    return typ, {typ[len("Order"):]: e}


def rust_fill(d):
    """An element of a position list: the bare OrderFilled (cache.rs:1268-1274)."""
    return {k: v for k, v in d.items() if k != "info"}


def rust_account(d):
    return {
        "account_id": d["account_id"], "account_type": d["account_type"], "base_currency": d["base_currency"],
        "balances": [{k: b[k] for k in ("currency", "total", "locked", "free")} for b in d["balances"]],
        "margins": [{k: m[k] for k in ("initial", "maintenance", "currency", "instrument_id")} for m in d["margins"]],
        "is_reported": d["reported"], "event_id": d["event_id"], "ts_event": d["ts_event"], "ts_init": d["ts_init"],
    }


def rust_instrument(d):
    """InstrumentAny::<type>(instrument); the Rust adapters store no info
    (adapters/binance/src/common/parse.rs:248-275 passes None)."""
    typ = d["type"]
    e = {k: v for k, v in d.items() if k not in ("type", "tick_scheme_name")}
    e["tick_scheme"] = d["tick_scheme_name"]
    e["info"] = None
    if typ == "CryptoPerpetual" and e["lot_size"] is None:
        e["lot_size"] = "1"  # crypto_perpetual.rs:181
    return typ, {typ: e}


def rust_order_snapshot(d):
    e = {k: v for k, v in d.items() if k not in ("type", "side", "expire_time_ns")}
    e["order_type"] = d["type"]
    e["order_side"] = d["side"]
    e["expire_time"] = d.get("expire_time_ns")
    for k in ("price", "display_qty", "trigger_price", "trigger_type", "limit_offset", "trailing_offset",
              "trailing_offset_type", "trigger_instrument_id"):
        e.setdefault(k, None)
    e.setdefault("is_post_only", False)
    e["emulation_trigger"] = none_if(d["emulation_trigger"], "NO_TRIGGER")
    e["contingency_type"] = none_if(d["contingency_type"], "NO_CONTINGENCY")
    e["liquidity_side"] = none_if(d["liquidity_side"], "NO_LIQUIDITY_SIDE")
    e["commissions"] = d["commissions"] or []
    p = d["exec_algorithm_params"]
    e["exec_algorithm_params"] = None if p is None else {k: str(v) for k, v in p.items()}
    return e


def rust_position_snapshot(d):
    """PositionSnapshot, its ts_init set to the snapshot's time (cache.rs:1943-1952)."""
    e = {k: v for k, v in d.items() if k != "ts_snapshot"}
    e["ts_init"] = d["ts_snapshot"]
    e.setdefault("unrealized_pnl", None)
    return e


CURRENCY_CODES = {"currency": "USDT", "currency-fiat": "USD"}


def rust_payload(name, source, d):
    """(struct names to cross-check, the Rust value) for one example."""
    kind = source.partition(":")[0]
    if kind == "order":
        typ, v = rust_order_event(d)
        return [(typ, next(iter(v.values())))], v
    if kind == "account":
        v = rust_account(d)
        return [("AccountState", v)] + [("AccountBalance", b) for b in v["balances"]] + \
            [("MarginBalance", m) for m in v["margins"]], v
    if kind in ("limit", "market"):
        v = rust_order_snapshot(d)
        return [("OrderSnapshot", v)], v
    if kind == "position":
        v = rust_position_snapshot(d)
        return [("PositionSnapshot", v)], v
    if kind == "currency":
        return [], CURRENCY_CODES[name]
    if kind == "instrument":
        typ, v = rust_instrument(d)
        return [(typ, v[typ])], v
    raise SystemExit(f"unknown source {source}")


def read_upstream(path):
    p = os.path.join(UPSTREAM, path)
    if os.path.exists(p):
        with open(p) as f:
            return f.read()
    try:
        return subprocess.run(["git", "-C", MIRROR, "show", "HEAD:" + path], check=True, capture_output=True,
                              text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def rust_fields(struct):
    path, tagged = RUST_STRUCTS[struct]
    src = read_upstream(path)
    if src is None:
        return None
    m = re.search(r"pub struct " + struct + r" \{\n(.*?)\n\}", src, re.S)
    if not m:
        raise SystemExit(f"{path}: no struct {struct}")
    fields = re.findall(r"^    pub (\w+):", m.group(1), re.M)
    return fields + (["type"] if tagged else [])


def check_rust_fields(checks):
    missing = False
    for struct, v in checks:
        want = rust_fields(struct)
        if want is None:
            missing = True
            continue
        got = set(v)
        need = set(want) - SKIPPED_WHEN_NONE
        if not need <= got or not got <= set(want):
            raise SystemExit(f"{struct}: fields {sorted(got)}\n  upstream's struct has {sorted(want)}")
    if missing:
        print(f"upstream Rust source not found ({UPSTREAM}, {MIRROR}): some field lists not cross-checked")


def rust_goldens(rows, here, msgpack_fn, json_fn):
    """Writes upstream_rust.{msgpack,json}.golden for rows (upstream_goldens.examples())."""
    out = {"msgpack": [], "json": []}
    fills = []
    for name, source, d in rows:
        checks, v = rust_payload(name, source, d)
        check_rust_fields(checks)
        if d.get("type") == "OrderFilled":
            fills.append((name + "-position", rust_fill(d)))
        value = convert_timestamps(v)
        out["msgpack"].append(f"{name} {msgpack_fn(value).hex()}\n")
        out["json"].append(f"{name} {json_fn(value)}\n")
    for name, v in fills:
        check_rust_fields([("OrderFilled", v)])
        value = convert_timestamps(v)
        out["msgpack"].append(f"{name} {msgpack_fn(value).hex()}\n")
        out["json"].append(f"{name} {json_fn(value)}\n")
    for enc, lines in out.items():
        with open(os.path.join(here, f"upstream_rust.{enc}.golden"), "w", encoding="utf-8") as f:
            f.writelines(lines)
    return len(out["json"])


def self_check():
    assert rfc3339_nanos(1705311012123456789) == "2024-01-15T09:30:12.123456789Z"
    assert rfc3339_nanos(1705311012000000000) == "2024-01-15T09:30:12.000000000Z"
    assert convert_timestamps({"b": {"ts_x": 5, "ts_n": None}, "a": [{"expire_time_ns": 0}], "expire_time": 7}) == \
        {"a": [{"expire_time_ns": "1970-01-01T00:00:00.000000000Z"}], "b": {"ts_n": None, "ts_x": "1970-01-01T00:00:00.000000005Z"}, "expire_time": 7}
    assert list(convert_timestamps({"trader_id": 1, "trade_id": 2, "type": 3, "ts_init": 4})) == ["trade_id", "trader_id", "ts_init", "type"]
    assert msgpack.packb({"k": 1}, use_bin_type=True) == b"\x81\xa1k\x01"
    assert json.dumps("\u2014\x01", ensure_ascii=False) == '"\u2014\\u0001"'
