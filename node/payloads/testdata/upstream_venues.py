"""Venue records in instruments' info, as the Binance and Interactive Brokers adapters store them.

Part of upstream_goldens.py (read its docstring): the dicts
_symbol_info_to_dict and contract_details_to_dict build, transcribed, and a
check of their keys against upstream's struct definitions.
"""

import datetime
import decimal
import os
import re
import subprocess
import sys

# The whole upstream repository (a bare git dir) for the adapters' schemas.
MIRROR = os.environ.get("UPSTREAM_GIT", "/work/.mirror/nautechsystems+nautilus_trader/repo")

# Venue records in instruments' info (adapters/binance/futures/providers.py:58-82,447;
# adapters/interactive_brokers/parsing/instruments.py:394,1000-1013).

BINANCE_FILTER_FIELDS = [  # BinanceSymbolFilter, common/schemas/market.py:86-116
    "filterType", "minPrice", "maxPrice", "tickSize", "multiplierUp", "multiplierDown", "multiplierDecimal",
    "avgPriceMins", "minQty", "maxQty", "stepSize", "limit", "maxNumOrders", "notional", "minNotional",
    "maxNumAlgoOrders", "bidMultiplierUp", "bidMultiplierDown", "askMultiplierUp", "askMultiplierDown",
    "applyMinToMarket", "maxNotional", "applyMaxToMarket", "maxNumIcebergOrders", "maxPosition",
    "minTrailingAboveDelta", "maxTrailingAboveDelta", "minTrailingBelowDelta", "maxTrailingBelowDelta"]


def binance_filter(filter_type, **values):
    # msgspec.structs.asdict: every field, the None defaults included
    d = {k: None for k in BINANCE_FILTER_FIELDS}
    d["filterType"] = filter_type  # the enum's .value
    d.update(values)
    return d


def binance_symbol_info():
    # _symbol_info_to_dict(BinanceFuturesSymbolInfo), futures/schemas/market.py:58-81
    return {
        "symbol": "ETHUSDT", "pair": "ETHUSDT", "contractType": "PERPETUAL", "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000, "status": "TRADING", "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000", "baseAsset": "ETH", "quoteAsset": "USDT", "marginAsset": "USDT",
        "pricePrecision": 2, "quantityPrecision": 3, "baseAssetPrecision": 8, "quotePrecision": 8,
        "underlyingType": "COIN", "underlyingSubType": ["Layer-1"], "settlePlan": 0, "triggerProtect": "0.0500",
        "liquidationFee": "0.015000", "marketTakeBound": "0.05",
        "filters": [
            binance_filter("PRICE_FILTER", minPrice="39.86", maxPrice="306177", tickSize="0.01"),
            binance_filter("LOT_SIZE", minQty="0.001", maxQty="10000", stepSize="0.001"),
            binance_filter("MARKET_LOT_SIZE", minQty="0.001", maxQty="2000", stepSize="0.001"),
            binance_filter("MAX_NUM_ORDERS", limit=200),
            binance_filter("MAX_NUM_ALGO_ORDERS", limit=10),
            binance_filter("MIN_NOTIONAL", notional="20"),
            binance_filter("PERCENT_PRICE", multiplierUp="1.0500", multiplierDown="0.9500", multiplierDecimal="4"),
        ],
        "orderTypes": ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET",
                       "TRAILING_STOP_MARKET"],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    }


UNSET_DOUBLE = sys.float_info.max  # ibapi.const.UNSET_DOUBLE
UNSET_DECIMAL = decimal.Decimal(2 ** 127 - 1)  # ibapi.const.UNSET_DECIMAL

IB_STOCK_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AON,AVGCOST,BASKET,BENCHPX,CASHQTY,COND,CONDORDER,DARKONLY,DARKPOLL,"
    "DAY,DEACT,DEACTDIS,DEACTEOD,DIS,DUR,GAT,GTC,GTD,GTT,HID,IBKRATS,ICE,IMB,IOC,LIT,LMT,LOC,MIDPX,MIT,MKT,MOC,"
    "MTL,NGCOMB,NODARK,NONALGO,OCA,OPG,OPGREROUT,PEGBENCH,PEGMID,POSTATS,POSTONLY,PREOPGRTH,PRICECHK,REL,"
    "REL2MID,RELPCTOFS,RPI,RTH,SCALE,SCALEODD,SCALERST,SIZECHK,SMARTSTG,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,"
    "SWEEP,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF")
IB_FOREX_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,CASHQTY,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,"
    "GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,REL,RELPCTOFS,SCALE,SCALERST,STP,STPLMT,TRAIL,"
    "TRAILLIT,TRAILLMT,TRAILMIT,WHATIF")
IB_FUTURE_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,BENCHPX,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,"
    "GAT,GTC,GTD,GTT,HID,ICE,IOC,LIT,LMT,LTH,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,PEGBENCH,SCALE,SCALERST,SNAPMID,"
    "SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF")
IB_STOCK_EXCHANGES = ("SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,DRCTEDGE,BEX,BATS,EDGEA,BYX,IEX,EDGX,"
                      "FOXRIVER,PEARL,NYSENAT,LTSE,MEMX,IBEOS,OVERNIGHT,TPLUS0,PSX")


class NoneItemEnum:
    """FundDistributionPolicyIndicator.NoneItem / FundAssetType.NoneItem: value ("None", "None")."""
    value = ("None", "None")


def ib_contract(sec_type, con_id, exchange, symbol, local_symbol, currency, trading_class, primary_exchange="",
                last_trade=""  , multiplier=""):
    # IBContract fields, common.py:101-152; strike 0.0 from IB becomes UNSET_DOUBLE in __post_init__
    return {
        "secType": sec_type, "conId": con_id, "exchange": exchange, "primaryExchange": primary_exchange,
        "symbol": symbol, "localSymbol": local_symbol, "currency": currency, "tradingClass": trading_class,
        "lastTradeDateOrContractMonth": last_trade, "lastTradeDate": last_trade, "multiplier": multiplier,
        "strike": UNSET_DOUBLE, "right": "", "includeExpired": False, "secIdType": "", "secId": "",
        "description": "", "issuerId": "", "comboLegsDescrip": "", "comboLegs": None, "deltaNeutralContract": None,
        "build_futures_chain": None, "build_options_chain": None, "options_chain_exchange": None,
        "min_expiry_days": None, "max_expiry_days": None,
    }


def ib_details(contract, market_name, min_tick, order_types, valid_exchanges, long_name, time_zone, trading_hours,
               liquid_hours, agg_group, market_rules, min_size, size_increment, suggested, under_con_id=0,
               contract_month="", industry="", category="", subcategory="", under_symbol="", under_sec_type="",
               sec_id_list=None, real_expiration="", last_trade_time="", stock_type=""):
    # IBContractDetails fields, common.py:221-294, with IB's Python types
    return {
        "contract": contract, "marketName": market_name, "minTick": min_tick, "orderTypes": order_types,
        "validExchanges": valid_exchanges, "priceMagnifier": 1, "underConId": under_con_id, "longName": long_name,
        "contractMonth": contract_month, "industry": industry, "category": category, "subcategory": subcategory,
        "timeZoneId": time_zone, "tradingHours": trading_hours, "liquidHours": liquid_hours, "evRule": "",
        "evMultiplier": 0, "mdSizeMultiplier": 1, "aggGroup": agg_group, "underSymbol": under_symbol,
        "underSecType": under_sec_type, "marketRuleIds": market_rules, "secIdList": sec_id_list,
        "realExpirationDate": real_expiration, "lastTradeTime": last_trade_time, "stockType": stock_type,
        "minSize": decimal.Decimal(min_size), "sizeIncrement": decimal.Decimal(size_increment),
        "suggestedSizeIncrement": decimal.Decimal(suggested), "minAlgoSize": UNSET_DECIMAL,
        "lastPricePrecision": UNSET_DECIMAL, "lastSizePrecision": UNSET_DECIMAL, "cusip": "", "ratings": "",
        "descAppend": "", "bondType": "", "couponType": "", "callable": False, "putable": False, "coupon": 0,
        "convertible": False, "maturity": "", "issueDate": "", "nextOptionDate": "", "nextOptionType": "",
        "nextOptionPartial": False, "notes": "", "fundName": "", "fundFamily": "", "fundType": "",
        "fundFrontLoad": "", "fundBackLoad": "", "fundBackLoadTimeInterval": "", "fundManagementFee": "",
        "fundClosed": False, "fundClosedForNewInvestors": False, "fundClosedForNewMoney": False,
        "fundNotifyAmount": "", "fundMinimumInitialPurchase": "", "fundSubsequentMinimumPurchase": "",
        "fundBlueSkyStates": "", "fundBlueSkyTerritories": "", "fundDistributionPolicyIndicator": NoneItemEnum(),
        "fundAssetType": NoneItemEnum(), "ineligibilityReasonList": None, "eventContract1": "",
        "eventContractDescription1": "", "eventContractDescription2": "",
    }


def serialize_for_json(obj):
    """_serialize_for_json, parsing/instruments.py:1016-1035."""
    if obj is None:
        return None
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, NoneItemEnum):
        return obj.value  # not recursed: the tuple stays a tuple (msgspec writes an array)
    if isinstance(obj, dict):
        return {k: serialize_for_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [serialize_for_json(e) for e in obj]
    return obj


def contract_details_to_dict(details, sec_id_list):
    """contract_details_to_dict, parsing/instruments.py:1000-1013."""
    d = dict(details)
    d["contract"] = dict(details["contract"])
    if sec_id_list:
        d["secIdList"] = {tag: value for tag, value in sec_id_list}
    return serialize_for_json(d)


def week(days, fmt):
    return ";".join(fmt(d) for d in days)


def ib_hours(open_, close, overnight):
    out = []
    for i in range(7):
        day = datetime.date(2024, 1, 15) + datetime.timedelta(days=i)
        if day.weekday() >= 5:
            out.append(day.strftime("%Y%m%d") + ":CLOSED")
            continue
        start = day - datetime.timedelta(days=1) if overnight else day
        out.append(start.strftime("%Y%m%d") + ":" + open_ + "-" + day.strftime("%Y%m%d") + ":" + close)
    return ";".join(out)


def with_info(instrument, info):
    d = dict(instrument)
    d["info"] = info
    return d


def venue_examples(crypto_perpetual, equity, currency_pair, futures_contract):
    perp = crypto_perpetual()
    perp.update({"max_quantity": "10000.000", "min_quantity": "0.001", "lot_size": None,
                 "min_notional": "20.00000000 USDT", "max_price": "306177.00", "min_price": "39.86",
                 "margin_init": "1", "margin_maint": "1", "maker_fee": "0.000200", "taker_fee": "0.000500",
                 "ts_event": 1705310000000000000, "ts_init": 1705310000000000000})
    equity_details = ib_details(
        ib_contract("STK", 265598, "SMART", "AAPL", "AAPL", "USD", "NMS", primary_exchange="NASDAQ"),
        "NMS", 0.01, IB_STOCK_ORDER_TYPES, IB_STOCK_EXCHANGES, "APPLE INC", "US/Eastern",
        ib_hours("0400", "2000", False), ib_hours("0930", "1600", False), 1, ",".join(["26"] * 25),
        "0.0001", "0.0001", "100", industry="Technology", category="Computers", subcategory="Computers",
        sec_id_list=[("ISIN", "US0378331005")], stock_type="COMMON")
    fx_details = ib_details(
        ib_contract("CASH", 12087792, "IDEALPRO", "EUR", "EUR.USD", "USD", "EUR.USD"),
        "EUR.USD", 5e-05, IB_FOREX_ORDER_TYPES, "IDEALPRO", "European Monetary Union Euro USD", "US/Eastern",
        ib_hours("1715", "1700", True), ib_hours("1715", "1700", True), 4, "239", "1", "1", "1")
    fut_details = ib_details(
        ib_contract("FUT", 551601561, "CME", "ES", "ESZ4", "USD", "ES", last_trade="20241220", multiplier="50"),
        "ES", 0.25, IB_FUTURE_ORDER_TYPES, "CME,QBALGO", "E-mini S&P 500", "US/Central",
        ib_hours("1700", "1600", True), ib_hours("0830", "1600", False), 2147483647, "67,67", "1", "1", "1",
        under_con_id=11004968, contract_month="202412", under_symbol="ES", under_sec_type="IND",
        real_expiration="20241220", last_trade_time="08:30:00")
    fut = futures_contract()
    fut.update({"max_quantity": None, "min_quantity": None, "margin_init": "0", "margin_maint": "0"})
    return [
        ("crypto-perpetual-venue", "instrument:crypto_perpetual", with_info(perp, binance_symbol_info())),
        ("equity-venue", "instrument:equity", with_info(equity(), contract_details_to_dict(
            equity_details, [("ISIN", "US0378331005")]))),
        ("currency-pair-venue", "instrument:currency_pair", with_info(currency_pair(), contract_details_to_dict(
            fx_details, None))),
        ("futures-contract-venue", "instrument:futures_contract", with_info(fut, contract_details_to_dict(
            fut_details, None))),
    ]


def struct_fields(path, cls):
    """The field names of a msgspec Struct class, in declaration order, from upstream's git."""
    src = subprocess.run(["git", "-C", MIRROR, "show", f"HEAD:{path}"], check=True, capture_output=True,
                         text=True).stdout
    body = src[src.index(f"class {cls}("):]
    body = re.sub(r'"""[\s\S]*?"""', "", body[body.index("\n") + 1:])  # docstrings hold "name: text" lines
    fields = []
    for line in body.splitlines():
        if line.startswith("class ") or re.match(r"^    (def |@)", line):
            break
        m = re.match(r"^    (\w+): ", line)
        if m:
            fields.append(m.group(1))
    return fields


def check_venue_fields(rows):
    if not os.path.isdir(MIRROR):
        print(f"upstream git not at {MIRROR}: venue record fields not cross-checked", file=sys.stderr)
        return
    binance = "nautilus_trader/adapters/binance"
    ib = "nautilus_trader/adapters/interactive_brokers/common.py"
    want = {
        "binance symbol": struct_fields(f"{binance}/futures/schemas/market.py", "BinanceFuturesSymbolInfo"),
        "binance filter": struct_fields(f"{binance}/common/schemas/market.py", "BinanceSymbolFilter"),
        "ib details": struct_fields(ib, "IBContractDetails"),
        "ib contract": struct_fields(ib, "IBContract"),
    }
    by_name = {name: d for name, _, d in rows}
    got = {
        "binance symbol": list(by_name["crypto-perpetual-venue"]["info"]),
        "binance filter": list(by_name["crypto-perpetual-venue"]["info"]["filters"][0]),
        "ib details": list(by_name["equity-venue"]["info"]),
        "ib contract": list(by_name["equity-venue"]["info"]["contract"]),
    }
    for what, keys in want.items():
        if got[what] != keys:
            raise SystemExit(f"{what}: keys {got[what]}\n  upstream's struct has {keys}")
