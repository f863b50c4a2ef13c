#!/usr/bin/python3
"""Golden payloads as a NautilusTrader 1.231.0 node writes them, made without rbench.

What it models. A Python TradingNode stores each cache object as
`MsgSpecSerializer.serialize(obj.to_dict())` (nautilus_trader/cache/database.pyx;
serializer built in system/kernel.py:314-323 with timestamps_as_str=True):

  1. to_dict(): the dict each class builds, keys in its order. The functions
     below transcribe those bodies (model/events/order.pyx to_dict_c,
     model/events/account.pyx:158-172, model/objects.pyx:1994-2128,
     model/orders/limit.pyx:299-347 and market.pyx:221-264,
     model/position.pyx:197-232, model/instruments/*.pyx to_dict_c,
     cache/database.pyx:921-926 for a currency, 1244-1276 for a position
     snapshot). Where upstream's source is present (/work/upstream or
     $UPSTREAM), check_key_order() compares every dict's keys with the keys
     the upstream function writes, so a transcription slip fails loudly.
  2. The serializer (serialization/serializer.pyx:90-112): every top-level
     key matching ^ts_ or `in ("expire_time_ns")` -- a string, so a substring
     test -- becomes str(value), or with timestamps_as_iso8601
     pd.Timestamp(value, unit="ns", tz=utc).isoformat() with "+00:00" ->
     "Z"; None stays None. Nested values stay integers. pandas' isoformat is
     modelled by iso8601() below (9 fractional digits when the nanoseconds
     below the microsecond are not zero, 6 when only they are, none for a
     whole second; pandas tests/scalar/timestamp/test_formats.py).
  3. The encoders: msgspec.msgpack.encode / msgspec.json.encode.

Why it is independent of rbench. Nothing here reads rbench's code or output:
the values are written out below (they equal payloads.Examples in Go by
intent, and the Go test fails where they do not), and the bytes come from
Debian's python3-msgpack and Python's json module, not from Go.

Where msgpack-python and msgspec differ, and what this models. For the
values payloads hold (str, int, float, bool, None, list, dict) they write
the same bytes when msgpack is packed with use_bin_type=True (str8 for
32-255 byte strings; the pre-1.0 default had no str8) and
use_single_float=False: ints in their shortest form (positive fixint,
uint8/16/32/64, negative fixint, int8/16/32/64; msgspec mpack_encode_long),
floats as float64 (mpack_encode_float), fixstr/str8/str16/str32,
fixmap/map16/map32, fixarray/array16/array32, dicts in insertion order.
Python's json differs from msgspec's in floats only, for these values:
msgspec (ryu.h write_f64) writes the shortest digits as 1.0, 0.00001, 1e16,
1.5e-7 where json writes 1.0, 1e-05, 1e+16, 1.5e-07; msgspec_json() below
models msgspec, taking the digits from repr(). Strings: json.dumps with
ensure_ascii=False escapes exactly what msgspec escapes (", \\, \\b \\t \\n \\f
\\r, other control characters as \\u00xx) and nothing else (no HTML
escaping, no U+2028). Separators are compact like msgspec's.

The instruments' venue records (Binance's symbol record, IB's contract
details) are modelled in upstream_venues.py beside this file.

Run: /usr/bin/python3 node/payloads/testdata/upstream_goldens.py
(needs python3-msgpack: apt-get install -y python3-msgpack). It rewrites
upstream.msgpack.golden and upstream.json.golden beside it: one line per
payload, "<name> <hex>" and "<name> <json>"; and, from upstream_rust.py, the
Rust LiveNode's payloads of the same examples in
upstream_rust.{msgpack,json}.golden. `go test ./node/payloads -run
TestUpstreamGoldens -update` runs this script; nothing writes the goldens
from Go.
"""

import datetime
import decimal
import json
import math
import os
import re
import sys

import msgpack

sys.dont_write_bytecode = True  # no __pycache__ in testdata
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from upstream_venues import check_venue_fields, venue_examples  # noqa: E402
import upstream_rust  # noqa: E402  the Rust LiveNode's payloads of the same examples

HERE = os.path.dirname(os.path.abspath(__file__))
UPSTREAM = os.environ.get("UPSTREAM", "/work/upstream")

# ---------------------------------------------------------------------------
# 2. The serializer's timestamp rule.


def iso8601(ns):
    """pd.Timestamp(ns, unit="ns", tz=pytz.utc).isoformat(), "+00:00" -> "Z"."""
    secs, frac = divmod(ns, 1_000_000_000)
    base = datetime.datetime.fromtimestamp(secs, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if frac == 0:
        return base + "Z"
    if frac % 1000 == 0:
        return base + ".%06d" % (frac // 1000) + "Z"
    return base + ".%09d" % frac + "Z"


def serialize(obj_dict, iso):
    """MsgSpecSerializer.serialize before the encoder (serializer.pyx:90-110)."""
    out = dict(obj_dict)
    for k, v in obj_dict.items():
        if k in ("expire_time_ns") or re.match(r"^ts_", k):  # noqa: a substring test, as upstream
            if v is None:
                continue
            out[k] = iso8601(v) if iso else str(v)
    return out


# ---------------------------------------------------------------------------
# 3. The encoders.


def msgspec_float(x):
    """msgspec ryu.h write_f64."""
    if math.isnan(x) or math.isinf(x):
        return "null"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    sign = "-" if x < 0 else ""
    # repr() gives the shortest digits that read back as x, as ryu does.
    t = decimal.Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    n = len(digits)
    k = t.exponent  # x = digits * 10^k
    kk = n + k  # where the decimal point goes
    if 0 <= k and kk <= 16:
        return sign + digits + "0" * k + ".0"
    if 0 < kk <= 16:
        return sign + digits[:kk] + "." + digits[kk:]
    if -5 < kk <= 0:
        return sign + "0." + "0" * (-kk) + digits
    s = digits[0] + ("." + digits[1:] if n > 1 else "")
    return sign + s + "e" + str(kk - 1)


def msgspec_json(v):
    """msgspec.json.encode for the types payloads hold."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return msgspec_float(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(msgspec_json(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + msgspec_json(e) for k, e in v.items()) + "}"
    raise TypeError(type(v))


def msgspec_msgpack(v):
    return msgpack.packb(v, use_bin_type=True, use_single_float=False)


def self_check():
    """The float model against values whose msgspec output is known (ryu.h cases)."""
    cases = {1.0: "1.0", 0.0: "0.0", 2540.25: "2540.25", 0.00001: "0.00001", 0.000012: "0.000012",
             1e-6: "1e-6", 1.5e-7: "1.5e-7", 1e16: "1e16", 1234567890123456.0: "1234567890123456.0",
             -0.00009: "-0.00009", 100.0: "100.0", 42500.1: "42500.1", 1.7976931348623157e308: "1.7976931348623157e308",
             0.1: "0.1", 123456789012345680.0: "1.2345678901234568e17", -8e-05: "-0.00008"}
    for x, want in cases.items():
        got = msgspec_float(x)
        assert got == want, (x, got, want)
    assert iso8601(1705311012000000000) == "2024-01-15T09:30:12Z"
    assert iso8601(1705311012123456000) == "2024-01-15T09:30:12.123456Z"
    assert iso8601(1705311012000000123) == "2024-01-15T09:30:12.000000123Z"
    assert msgspec_msgpack(0) == b"\x00" and msgspec_msgpack(840) == b"\xcd\x03\x48"
    assert msgspec_msgpack("x" * 32)[:2] == b"\xd9\x20"


# ---------------------------------------------------------------------------
# 1. to_dict, transcribed.

TRADER, STRATEGY, INSTRUMENT = "TRADER-001", "EMACross-001", "ETHUSDT-PERP.BINANCE"
ORDER, VENUE_ORDER, ACCOUNT = "O-20240115-093012-001-001-1", "8389765701234567890", "BINANCE-001"
POSITION = "ETHUSDT-PERP.BINANCE-EMACross-001"
T0, T1 = 1705311012123456789, 1705311013001234567


def order_initialized(client_order_id, side, order_type, quantity, tif, options, event_id, ts_init,
                      post_only=False, reduce_only=False, strategy_id=STRATEGY, contingency="NO_CONTINGENCY",
                      order_list_id=None, linked=None, exec_algorithm_id=None, exec_algorithm_params=None, tags=None):
    # order.pyx OrderInitialized.to_dict_c
    return {
        "type": "OrderInitialized",
        "trader_id": TRADER,
        "strategy_id": strategy_id,
        "instrument_id": INSTRUMENT,
        "client_order_id": client_order_id,
        "order_side": side,
        "order_type": order_type,
        "quantity": quantity,
        "time_in_force": tif,
        "post_only": post_only,
        "reduce_only": reduce_only,
        "quote_quantity": False,
        "options": options,
        "emulation_trigger": "NO_TRIGGER",
        "trigger_instrument_id": None,
        "contingency_type": contingency,
        "order_list_id": order_list_id,
        "linked_order_ids": linked,
        "parent_order_id": None,
        "exec_algorithm_id": exec_algorithm_id,
        "exec_algorithm_params": exec_algorithm_params,
        "exec_spawn_id": None,
        "tags": tags,
        "event_id": event_id,
        "ts_init": ts_init,
        "ts_event": ts_init,
        "reconciliation": False,
    }


def limit_options(price, display_qty, expire_time_ns):
    # limit.pyx:174-178 (the OrderInitialized built by LimitOrder.__init__)
    return {"price": price, "display_qty": display_qty, "expire_time_ns": expire_time_ns}


def head(type_, client_order_id, strategy_id=STRATEGY):
    return {"type": type_, "trader_id": TRADER, "strategy_id": strategy_id, "instrument_id": INSTRUMENT,
            "client_order_id": client_order_id}


def order_denied(coid, reason, event_id, ts):
    d = head("OrderDenied", coid)
    d.update({"reason": reason, "event_id": event_id, "ts_event": ts, "ts_init": ts})
    return d


def order_emulated(coid, event_id, ts_init):
    d = head("OrderEmulated", coid)
    d.update({"event_id": event_id, "ts_event": ts_init, "ts_init": ts_init})
    return d


def order_released(coid, released_price, event_id, ts_init):
    d = head("OrderReleased", coid)
    d.update({"released_price": released_price, "event_id": event_id, "ts_event": ts_init, "ts_init": ts_init})
    return d


def order_submitted(coid, account_id, event_id, ts_event, ts_init):
    d = head("OrderSubmitted", coid)
    d.update({"account_id": account_id, "event_id": event_id, "ts_event": ts_event, "ts_init": ts_init})
    return d


def order_accepted(coid, venue_order_id, account_id, event_id, ts_event, ts_init):
    d = head("OrderAccepted", coid)
    d.update({"venue_order_id": venue_order_id, "account_id": account_id, "event_id": event_id,
              "ts_event": ts_event, "ts_init": ts_init, "reconciliation": False})
    return d


def order_rejected(coid, account_id, reason, event_id, ts_event, ts_init, due_post_only):
    d = head("OrderRejected", coid)
    d.update({"account_id": account_id, "reason": reason, "event_id": event_id, "ts_event": ts_event,
              "ts_init": ts_init, "reconciliation": False, "due_post_only": due_post_only})
    return d


def order_ack(type_, coid, venue_order_id, account_id, event_id, ts_event, ts_init, strategy_id=STRATEGY):
    # OrderCanceled, OrderExpired, OrderTriggered, OrderPendingUpdate, OrderPendingCancel
    d = head(type_, coid, strategy_id)
    d.update({"venue_order_id": venue_order_id, "account_id": account_id, "event_id": event_id,
              "ts_event": ts_event, "ts_init": ts_init, "reconciliation": False})
    return d


def order_ack_rejected(type_, coid, venue_order_id, account_id, reason, event_id, ts_event, ts_init):
    # OrderModifyRejected, OrderCancelRejected
    d = head(type_, coid)
    d.update({"venue_order_id": venue_order_id, "account_id": account_id, "reason": reason,
              "event_id": event_id, "ts_event": ts_event, "ts_init": ts_init, "reconciliation": False})
    return d


def order_updated(coid, venue_order_id, account_id, quantity, price, trigger_price, event_id, ts_event, ts_init):
    d = head("OrderUpdated", coid)
    d.update({"venue_order_id": venue_order_id, "account_id": account_id, "quantity": quantity, "price": price,
              "trigger_price": trigger_price, "event_id": event_id, "ts_event": ts_event, "ts_init": ts_init,
              "reconciliation": False, "is_quote_quantity": False})
    return d


def order_filled():
    d = head("OrderFilled", ORDER)
    d.update({"venue_order_id": VENUE_ORDER, "account_id": ACCOUNT, "trade_id": "3141592653",
              "position_id": POSITION, "order_side": "BUY", "order_type": "LIMIT", "last_qty": "0.500",
              "last_px": "2540.25", "currency": "USDT", "commission": "0.25402500 USDT", "liquidity_side": "MAKER",
              "event_id": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", "ts_event": T1, "ts_init": T1, "info": {},
              "reconciliation": False})
    return d


def account_balance(total, locked, free, currency):
    return {"type": "AccountBalance", "total": total, "locked": locked, "free": free, "currency": currency}


def margin_balance(initial, maintenance, currency, instrument_id):
    return {"type": "MarginBalance", "initial": initial, "maintenance": maintenance, "currency": currency,
            "instrument_id": instrument_id}


def account_state():
    return {
        "type": "AccountState",
        "account_id": ACCOUNT,
        "account_type": "MARGIN",
        "base_currency": None,
        "balances": [account_balance("10000.00000000", "257.53750000", "9742.46250000", "USDT")],
        "margins": [margin_balance("127.01250000", "44.45437500", "USDT", INSTRUMENT),
                    margin_balance("130.52500000", "45.68375000", "USDT", "BTCUSDT-PERP.BINANCE")],
        "reported": True,
        "info": {},
        "event_id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "ts_event": T1,
        "ts_init": T1,
    }


def limit_order(coid, venue_order_id, position_id, account_id, last_trade_id, side, quantity, price, tif,
                expire_time_ns, filled_qty, liquidity_side, avg_px, slippage, commissions, status, post_only,
                display_qty, init_id, ts_init, ts_last, strategy_id=STRATEGY, contingency="NO_CONTINGENCY",
                order_list_id=None, linked=None, exec_algorithm_id=None, exec_algorithm_params=None, tags=None):
    # limit.pyx LimitOrder.to_dict
    return {
        "trader_id": TRADER,
        "strategy_id": strategy_id,
        "instrument_id": INSTRUMENT,
        "client_order_id": coid,
        "venue_order_id": venue_order_id,
        "position_id": position_id,
        "account_id": account_id,
        "last_trade_id": last_trade_id,
        "type": "LIMIT",
        "side": side,
        "quantity": quantity,
        "price": price,
        "time_in_force": tif,
        "expire_time_ns": expire_time_ns if expire_time_ns > 0 else None,
        "filled_qty": filled_qty,
        "liquidity_side": liquidity_side,
        "avg_px": avg_px,
        "slippage": slippage,
        "commissions": commissions,
        "status": status,
        "is_post_only": post_only,
        "is_reduce_only": False,
        "is_quote_quantity": False,
        "display_qty": display_qty,
        "emulation_trigger": "NO_TRIGGER",
        "trigger_instrument_id": None,
        "contingency_type": contingency,
        "order_list_id": order_list_id,
        "linked_order_ids": linked,
        "parent_order_id": None,
        "exec_algorithm_id": exec_algorithm_id,
        "exec_algorithm_params": exec_algorithm_params,
        "exec_spawn_id": None,
        "tags": tags,
        "init_id": init_id,
        "ts_init": ts_init,
        "ts_last": ts_last,
    }


def market_order():
    # market.pyx MarketOrder.to_dict
    return {
        "trader_id": TRADER,
        "strategy_id": STRATEGY,
        "instrument_id": INSTRUMENT,
        "client_order_id": "O-20240115-093012-001-001-2",
        "venue_order_id": "8389765701234567899",
        "position_id": POSITION,
        "account_id": ACCOUNT,
        "last_trade_id": "3141592655",
        "type": "MARKET",
        "side": "SELL",
        "quantity": "1.250",
        "time_in_force": "IOC",
        "is_reduce_only": True,
        "is_quote_quantity": False,
        "filled_qty": "1.250",
        "liquidity_side": "TAKER",
        "avg_px": 2539.9584,
        "slippage": -0.00012,
        "commissions": ["1.26997920 USDT"],
        "emulation_trigger": "NO_TRIGGER",
        "status": "FILLED",
        "contingency_type": "NO_CONTINGENCY",
        "order_list_id": None,
        "linked_order_ids": None,
        "parent_order_id": None,
        "exec_algorithm_id": None,
        "exec_algorithm_params": None,
        "exec_spawn_id": None,
        "tags": ["EXIT", "stop\u2014loss"],
        "init_id": "0b7e9c2a-4d1f-4e6a-8b3c-5d2e1f0a9b8c",
        "ts_init": T0 + 250_000,
        "ts_last": T1 + 2_000_000,
    }


def position_to_dict(position_id, strategy_id, instrument_id, opening_order_id, closing_order_id, entry, side,
                     signed_qty, quantity, peak_qty, ts_opened, ts_last, ts_closed, avg_px_open, avg_px_close,
                     base_currency, commissions, realized_return, realized_pnl):
    # position.pyx:205-232; the Position's ts_init is the opening fill's
    duration_ns = ts_closed - ts_opened if ts_closed > 0 else 0
    return {
        "position_id": position_id,
        "trader_id": TRADER,
        "strategy_id": strategy_id,
        "instrument_id": instrument_id,
        "account_id": ACCOUNT,
        "opening_order_id": opening_order_id,
        "closing_order_id": closing_order_id,
        "entry": entry,
        "side": side,
        "signed_qty": signed_qty,
        "quantity": quantity,
        "peak_qty": peak_qty,
        "ts_init": ts_opened,
        "ts_opened": ts_opened,
        "ts_last": ts_last,
        "ts_closed": ts_closed if ts_closed > 0 else None,
        "duration_ns": duration_ns if duration_ns > 0 else None,
        "avg_px_open": avg_px_open,
        "avg_px_close": avg_px_close if avg_px_close > 0 else None,
        "quote_currency": "USDT",
        "base_currency": base_currency,
        "settlement_currency": "USDT",
        "commissions": sorted(commissions),
        "realized_return": round(realized_return, 5),
        "realized_pnl": realized_pnl,
    }


def position_snapshot(position, ts_snapshot, unrealized_pnl):
    # database.pyx:1244-1276 snapshot_position_state
    state = dict(position)
    if unrealized_pnl is not None:
        state["unrealized_pnl"] = unrealized_pnl
    state["ts_snapshot"] = ts_snapshot
    return state


def currency(precision, iso4217, name, currency_type):
    # database.pyx:921-926 add_currency
    return {"precision": precision, "iso4217": iso4217, "name": name, "currency_type": currency_type}


def currency_pair():
    # currency_pair.pyx to_dict_c
    return {
        "type": "CurrencyPair", "id": "EUR/USD.IDEALPRO", "raw_symbol": "EUR.USD", "base_currency": "EUR",
        "quote_currency": "USD", "price_precision": 5, "price_increment": "0.00005", "size_precision": 0,
        "size_increment": "1", "multiplier": "1", "lot_size": "1000", "max_quantity": "1000000000",
        "min_quantity": "1", "max_notional": None, "min_notional": None, "max_price": None, "min_price": None,
        "margin_init": "0.03", "margin_maint": "0.03", "maker_fee": "0.00002", "taker_fee": "0.00002",
        "ts_event": 1705310000000000000, "ts_init": 1705310000000000000, "tick_scheme_name": None, "info": None,
    }


def equity():
    # equity.pyx to_dict_c
    return {
        "type": "Equity", "id": "AAPL.NASDAQ", "raw_symbol": "AAPL", "currency": "USD", "price_precision": 2,
        "price_increment": "0.01", "lot_size": "100", "isin": "US0378331005", "margin_init": "0",
        "margin_maint": "0", "maker_fee": "0", "taker_fee": "0", "min_price": None, "max_price": None,
        "max_quantity": None, "min_quantity": None, "ts_event": 1705310000123456000,
        "ts_init": 1705310000123456000, "tick_scheme_name": None, "info": None,
    }


def crypto_perpetual():
    # crypto_perpetual.pyx to_dict_c; the reference's example values
    return {
        "type": "CryptoPerpetual", "id": INSTRUMENT, "raw_symbol": "ETHUSDT", "base_currency": "ETH",
        "quote_currency": "USDT", "settlement_currency": "USDT", "is_inverse": False, "price_precision": 2,
        "price_increment": "0.01", "size_precision": 3, "size_increment": "0.001", "multiplier": "1",
        "lot_size": "1", "max_quantity": "10000.000", "min_quantity": "0.001", "max_notional": None,
        "min_notional": "10.00000000 USDT", "max_price": "152588.43", "min_price": "29.91", "margin_init": "1.00",
        "margin_maint": "0.35", "maker_fee": "0.0002", "taker_fee": "0.0004", "ts_event": 1646199312128000000,
        "ts_init": 1646199342953849862, "tick_scheme_name": None, "info": None,
    }


def futures_contract():
    # futures_contract.pyx to_dict_c
    return {
        "type": "FuturesContract", "id": "ESZ4.XCME", "raw_symbol": "ESZ4", "asset_class": "INDEX",
        "currency": "USD", "price_precision": 2, "price_increment": "0.25", "size_precision": 0,
        "size_increment": "1", "multiplier": "50", "max_quantity": "10000", "min_quantity": "1",
        "max_price": None, "min_price": None, "lot_size": "1", "underlying": "ES",
        "activation_ns": 1726839000000000000, "expiration_ns": 1734705000000000000, "margin_init": "0.10",
        "margin_maint": "0.08", "maker_fee": "0", "taker_fee": "0", "ts_event": 1705310000000000000,
        "ts_init": 1705310000000000000, "exchange": "XCME", "tick_scheme_name": None, "info": None,
    }



def examples():
    """(name, upstream source of its keys, dict) in the order of payloads.Examples."""
    gtd_params = {"horizon_secs": 60, "interval_secs": 2.5}
    closed = position_to_dict(
        POSITION, STRATEGY, INSTRUMENT, ORDER, "O-20240115-093012-001-001-2", "BUY", "FLAT", 0.0, "0.000",
        "1.250", T1, 1705311014003456000, 1705311014003456000, 2540.1784, 2539.9584, "ETH",
        ["1.52398920 USDT"], -8.66082213e-05, "-1.79898920 USDT")
    opened = position_to_dict(
        "P-20240115-093012-001-003-1", "MktMaker-003", "BTCUSDT-PERP.BINANCE", "O-20240115-093012-001-003-2",
        None, "SELL", "SHORT", -0.03, "0.030", "0.030", T1, T1, 0, 42500.1, 0.0, "BTC",
        ["0.51000120 USDT"], 0.0, "-0.51000120 USDT")
    return [
        ("order-initialized", "order:OrderInitialized", order_initialized(
            ORDER, "BUY", "LIMIT", "0.500", "GTC", limit_options("2540.25", None, 0),
            "8f1c0f6e-3b1a-4c55-9a57-2f0d8e6b7c21", T0)),
        ("order-initialized-market", "order:OrderInitialized", order_initialized(
            "O-20240115-093012-001-001-2", "SELL", "MARKET", "1.250", "IOC", {},
            "0b7e9c2a-4d1f-4e6a-8b3c-5d2e1f0a9b8c", T0 + 250_000, reduce_only=True,
            tags=["EXIT", "stop\u2014loss"])),
        ("order-initialized-gtd", "order:OrderInitialized", order_initialized(
            "O-20240115-093012-001-003-7", "SELL", "LIMIT", "2.000", "GTD",
            limit_options("2541.00", "0.500", 1705311072123456789), "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
            T0 + 1_000, post_only=True, strategy_id="MktMaker-003", contingency="OUO",
            order_list_id="OL-20240115-001", linked=["O-20240115-093012-001-003-8"], exec_algorithm_id="TWAP",
            exec_algorithm_params=gtd_params)),
        ("order-denied", "order:OrderDenied", order_denied(
            "O-20240115-093012-001-001-3",
            "NOTIONAL_EXCEEDS_MAX_PER_ORDER: max_notional=50000.00 USDT < notional=50805.00 USDT",
            "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", T0 + 40_000)),
        ("order-emulated", "order:OrderEmulated", order_emulated(
            "O-20240115-093012-001-001-4", "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7081", T0 + 60_000)),
        ("order-released", "order:OrderReleased", order_released(
            "O-20240115-093012-001-001-4", "2541.10", "f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f708192", T1 + 5_000_000)),
        ("order-submitted", "order:OrderSubmitted", order_submitted(
            ORDER, ACCOUNT, "2c9e7a41-6d3b-4f8e-a1c5-9b0d7e3f6a28", T0 + 87_000, T0 + 87_000)),
        ("order-accepted", "order:OrderAccepted", order_accepted(
            ORDER, VENUE_ORDER, ACCOUNT, "7d1e4b92-3a6c-4e5f-b8d0-2f9a1c7e4b63", T0 + 4_210_000, T0 + 4_388_211)),
        ("order-rejected", "order:OrderRejected", order_rejected(
            "O-20240115-093012-001-001-5", ACCOUNT,
            '{"code":-5022,"msg":"Due to the order could not be executed as maker, the Post Only order will be rejected."}',
            "a7b8c9d0-e1f2-4a3b-8c4d-5e6f708192a3", T0 + 3_900_000, T0 + 4_012_345, True)),
        ("order-canceled", "order:OrderCanceled", order_ack(
            "OrderCanceled", ORDER, VENUE_ORDER, ACCOUNT, "b8c9d0e1-f2a3-4b4c-9d5e-6f708192a3b4",
            T1 + 61_000_000, T1 + 61_204_118)),
        ("order-canceled-local", "order:OrderCanceled", order_ack(
            "OrderCanceled", "O-20240115-093012-001-001-4", None, None, "c9d0e1f2-a3b4-4c5d-8e6f-708192a3b4c5",
            T1 + 1_000, T1 + 1_000)),
        ("order-expired", "order:OrderExpired", order_ack(
            "OrderExpired", "O-20240115-093012-001-003-7", "8389765701234567901", ACCOUNT,
            "d0e1f2a3-b4c5-4d6e-9f70-8192a3b4c5d6", 1705311072123456789, 1705311072125001002,
            strategy_id="MktMaker-003")),
        ("order-triggered", "order:OrderTriggered", order_ack(
            "OrderTriggered", "O-20240115-093012-001-001-6", "8389765701234567912", ACCOUNT,
            "e1f2a3b4-c5d6-4e7f-8a81-92a3b4c5d6e7", T1 + 9_000_000, T1 + 9_350_000)),
        ("order-pending-update", "order:OrderPendingUpdate", order_ack(
            "OrderPendingUpdate", ORDER, VENUE_ORDER, ACCOUNT, "f2a3b4c5-d6e7-4f80-9b92-a3b4c5d6e7f8",
            T0 + 500_000_000, T0 + 500_000_000)),
        ("order-pending-cancel", "order:OrderPendingCancel", order_ack(
            "OrderPendingCancel", ORDER, VENUE_ORDER, ACCOUNT, "a3b4c5d6-e7f8-4091-8ca3-b4c5d6e7f809",
            T1 + 60_000_000, T1 + 60_000_000)),
        ("order-modify-rejected", "order:OrderModifyRejected", order_ack_rejected(
            "OrderModifyRejected", ORDER, VENUE_ORDER, ACCOUNT, "modify rejected:\n\tprice & quantity unchanged",
            "b4c5d6e7-f809-41a2-9db4-c5d6e7f8091a", T0 + 700_000_000, T0 + 700_120_000)),
        ("order-cancel-rejected", "order:OrderCancelRejected", order_ack_rejected(
            "OrderCancelRejected", "O-20240115-093012-001-001-9", None, ACCOUNT,
            '{"code":-2011,"msg":"Unknown order sent."}', "c5d6e7f8-091a-42b3-8ec5-d6e7f8091a2b",
            T1 + 80_000_000, T1 + 80_250_000)),
        ("order-updated", "order:OrderUpdated", order_updated(
            ORDER, VENUE_ORDER, ACCOUNT, "0.750", "2539.80", None, "d6e7f809-1a2b-43c4-9fd6-e7f8091a2b3c",
            T0 + 520_000_000, T0 + 520_431_000)),
        ("order-filled", "order:OrderFilled", order_filled()),
        ("account-state", "account:AccountState", account_state()),
        ("account-state-cash", "account:AccountState", {
            "type": "AccountState", "account_id": "IB-U1234567", "account_type": "CASH", "base_currency": "USD",
            "balances": [account_balance("250000.00", "18550.00", "231450.00", "USD"),
                         account_balance("1200.00", "0.00", "1200.00", "EUR")],
            "margins": [], "reported": True, "info": {}, "event_id": "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6071",
            "ts_event": 1705311012000000000, "ts_init": 1705311012000450000}),
        ("limit-order-snapshot", "limit:LimitOrder", limit_order(
            ORDER, VENUE_ORDER, POSITION, ACCOUNT, "3141592653", "BUY", "0.500", "2540.25", "GTC", 0, "0.200",
            "MAKER", 2540.25, 0.0, ["0.10161000 USDT"], "PARTIALLY_FILLED", False, None,
            "8f1c0f6e-3b1a-4c55-9a57-2f0d8e6b7c21", T0, T1)),
        ("limit-order-snapshot-gtd", "limit:LimitOrder", limit_order(
            "O-20240115-093012-001-003-7", None, None, None, None, "SELL", "2.000", "2541.00", "GTD",
            1705311072123456789, "0.000", "NO_LIQUIDITY_SIDE", None, None, None, "INITIALIZED", True, "0.500",
            "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", T0 + 1_000, T0 + 1_000, strategy_id="MktMaker-003",
            contingency="OUO", order_list_id="OL-20240115-001", linked=["O-20240115-093012-001-003-8"],
            exec_algorithm_id="TWAP", exec_algorithm_params=gtd_params)),
        ("market-order-snapshot", "market:MarketOrder", market_order()),
        ("position-snapshot", "position:Position",
         position_snapshot(closed, 1705311015000000000, "0.00000000 USDT")),
        ("position-snapshot-open", "position:Position", position_snapshot(opened, T1, None)),
        ("currency", "currency", currency(8, 0, "Tether", "CRYPTO")),
        ("currency-fiat", "currency", currency(2, 840, "United States dollar", "FIAT")),
        ("currency-pair", "instrument:currency_pair", currency_pair()),
        ("equity", "instrument:equity", equity()),
        ("crypto-perpetual", "instrument:crypto_perpetual", crypto_perpetual()),
        ("futures-contract", "instrument:futures_contract", futures_contract()),
    ] + venue_examples(crypto_perpetual, equity, currency_pair, futures_contract)


# ---------------------------------------------------------------------------
# The key order against upstream's source, where it is present.


def dict_keys_in(path, start_pattern):
    """The string keys of the first dict literal after start_pattern in path."""
    with open(path) as f:
        src = f.read()
    m = re.search(start_pattern, src)
    if not m:
        raise SystemExit(f"{path}: no {start_pattern!r}")
    body = src[src.index("{", m.end()):]
    body = body[: body.index("\n        }")]
    return re.findall(r'^\s*"(\w+)":', body, re.M)


def upstream_keys(source):
    n = os.path.join(UPSTREAM, "nautilus_trader")
    kind, _, name = source.partition(":")
    if kind == "order":
        return dict_keys_in(f"{n}/model/events/order.pyx", rf"cdef dict to_dict_c\({name} obj\):")
    if kind == "account":
        return dict_keys_in(f"{n}/model/events/account.pyx", r"cdef dict to_dict_c\(AccountState obj\):")
    if kind in ("limit", "market"):
        return dict_keys_in(f"{n}/model/orders/{kind}.pyx", r"cpdef dict to_dict\(self\):")
    if kind == "position":
        return dict_keys_in(f"{n}/model/position.pyx", r"cpdef dict to_dict\(self\):") + ["unrealized_pnl", "ts_snapshot"]
    if kind == "currency":
        with open(f"{n}/cache/database.pyx") as f:
            src = f.read()
        body = src[src.index("cdef dict currency_map = {"):]
        return re.findall(r'^\s*"(\w+)":', body[: body.index("}")], re.M)
    if kind == "instrument":
        cls = "".join(p.capitalize() for p in name.split("_"))
        return dict_keys_in(f"{n}/model/instruments/{name}.pyx", rf"cdef dict to_dict_c\({cls} obj\):")
    raise SystemExit(f"unknown source {source}")


def check_key_order(rows):
    if not os.path.isdir(os.path.join(UPSTREAM, "nautilus_trader")):
        print(f"upstream source not at {UPSTREAM}: key order not cross-checked", file=sys.stderr)
        return
    for name, source, d in rows:
        want = upstream_keys(source)
        got = list(d.keys())
        if source.startswith("position") and "unrealized_pnl" not in d:
            want = [k for k in want if k != "unrealized_pnl"]
        if got != want:
            raise SystemExit(f"{name}: keys {got}\n  upstream {source} writes {want}")


def main():
    self_check()
    rows = examples()
    check_key_order(rows)
    check_venue_fields(rows)
    out = {"msgpack": [], "json": []}
    for name, _, d in rows:
        for iso, suffix in ((False, ""), (True, "+iso")):
            v = serialize(d, iso)
            out["msgpack"].append(f"{name}{suffix} {msgspec_msgpack(v).hex()}\n")
            out["json"].append(f"{name}{suffix} {msgspec_json(v)}\n")
    for enc, lines in out.items():
        with open(os.path.join(HERE, f"upstream.{enc}.golden"), "w", encoding="utf-8") as f:
            f.writelines(lines)
    print(f"wrote {len(rows) * 2} payloads to upstream.{{msgpack,json}}.golden", file=sys.stderr)
    upstream_rust.self_check()
    n = upstream_rust.rust_goldens(rows, HERE, msgspec_msgpack, msgspec_json)
    print(f"wrote {n} Rust payloads to upstream_rust.{{msgpack,json}}.golden", file=sys.stderr)


if __name__ == "__main__":
    main()
