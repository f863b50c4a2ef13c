package payloads

// Currency is the value of currencies:{code}: the map add_currency builds,
// with no "type" and no code, the code being the key
// (cache/database.pyx:921-926).
type Currency struct {
	Precision    int    `json:"precision" msgpack:"precision"`
	ISO4217      int    `json:"iso4217" msgpack:"iso4217"`
	Name         string `json:"name" msgpack:"name"`
	CurrencyType string `json:"currency_type" msgpack:"currency_type"`
}

// Instruments, the value of instruments:{id}: each type's to_dict_c in
// nautilus_trader/model/instruments/*.pyx. Info is the venue's raw symbol
// record an adapter stores (null when built by hand; see VenueInfo).

// CurrencyPair is a spot FX or crypto pair (currency_pair.pyx:242-270).
type CurrencyPair struct {
	Type           string  `json:"type" msgpack:"type"`
	ID             string  `json:"id" msgpack:"id"`
	RawSymbol      string  `json:"raw_symbol" msgpack:"raw_symbol"`
	BaseCurrency   string  `json:"base_currency" msgpack:"base_currency"`
	QuoteCurrency  string  `json:"quote_currency" msgpack:"quote_currency"`
	PricePrecision int     `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement string  `json:"price_increment" msgpack:"price_increment"`
	SizePrecision  int     `json:"size_precision" msgpack:"size_precision"`
	SizeIncrement  string  `json:"size_increment" msgpack:"size_increment"`
	Multiplier     string  `json:"multiplier" msgpack:"multiplier"`
	LotSize        *string `json:"lot_size" msgpack:"lot_size"`
	MaxQuantity    *string `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity    *string `json:"min_quantity" msgpack:"min_quantity"`
	MaxNotional    *string `json:"max_notional" msgpack:"max_notional"`
	MinNotional    *string `json:"min_notional" msgpack:"min_notional"`
	MaxPrice       *string `json:"max_price" msgpack:"max_price"`
	MinPrice       *string `json:"min_price" msgpack:"min_price"`
	MarginInit     string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string  `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee       string  `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee       string  `json:"taker_fee" msgpack:"taker_fee"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName *string `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info           Record  `json:"info" msgpack:"info"`
}

// CryptoPerpetual is a perpetual swap (crypto_perpetual.pyx:343-373).
type CryptoPerpetual struct {
	Type               string  `json:"type" msgpack:"type"`
	ID                 string  `json:"id" msgpack:"id"`
	RawSymbol          string  `json:"raw_symbol" msgpack:"raw_symbol"`
	BaseCurrency       string  `json:"base_currency" msgpack:"base_currency"`
	QuoteCurrency      string  `json:"quote_currency" msgpack:"quote_currency"`
	SettlementCurrency string  `json:"settlement_currency" msgpack:"settlement_currency"`
	IsInverse          bool    `json:"is_inverse" msgpack:"is_inverse"`
	PricePrecision     int     `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement     string  `json:"price_increment" msgpack:"price_increment"`
	SizePrecision      int     `json:"size_precision" msgpack:"size_precision"`
	SizeIncrement      string  `json:"size_increment" msgpack:"size_increment"`
	Multiplier         string  `json:"multiplier" msgpack:"multiplier"`
	LotSize            *string `json:"lot_size" msgpack:"lot_size"`
	MaxQuantity        *string `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity        *string `json:"min_quantity" msgpack:"min_quantity"`
	MaxNotional        *string `json:"max_notional" msgpack:"max_notional"`
	MinNotional        *string `json:"min_notional" msgpack:"min_notional"`
	MaxPrice           *string `json:"max_price" msgpack:"max_price"`
	MinPrice           *string `json:"min_price" msgpack:"min_price"`
	MarginInit         string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint        string  `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee           string  `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee           string  `json:"taker_fee" msgpack:"taker_fee"`
	TsEvent            string  `json:"ts_event" msgpack:"ts_event"`
	TsInit             string  `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName     *string `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info               Record  `json:"info" msgpack:"info"`
}

// Equity is a listed stock (equity.pyx:160-184): lot_size is never null,
// and min_price comes before max_price, then max/min quantity.
type Equity struct {
	Type           string  `json:"type" msgpack:"type"`
	ID             string  `json:"id" msgpack:"id"`
	RawSymbol      string  `json:"raw_symbol" msgpack:"raw_symbol"`
	Currency       string  `json:"currency" msgpack:"currency"`
	PricePrecision int     `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement string  `json:"price_increment" msgpack:"price_increment"`
	LotSize        string  `json:"lot_size" msgpack:"lot_size"`
	ISIN           *string `json:"isin" msgpack:"isin"`
	MarginInit     string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string  `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee       string  `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee       string  `json:"taker_fee" msgpack:"taker_fee"`
	MinPrice       *string `json:"min_price" msgpack:"min_price"`
	MaxPrice       *string `json:"max_price" msgpack:"max_price"`
	MaxQuantity    *string `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity    *string `json:"min_quantity" msgpack:"min_quantity"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName *string `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info           Record  `json:"info" msgpack:"info"`
}

// FuturesContract is a dated future (futures_contract.pyx:239-268).
// activation_ns and expiration_ns are not ts_ keys, so they stay integers;
// exchange comes late, after ts_init.
type FuturesContract struct {
	Type           string  `json:"type" msgpack:"type"`
	ID             string  `json:"id" msgpack:"id"`
	RawSymbol      string  `json:"raw_symbol" msgpack:"raw_symbol"`
	AssetClass     string  `json:"asset_class" msgpack:"asset_class"`
	Currency       string  `json:"currency" msgpack:"currency"`
	PricePrecision int     `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement string  `json:"price_increment" msgpack:"price_increment"`
	SizePrecision  int     `json:"size_precision" msgpack:"size_precision"`
	SizeIncrement  string  `json:"size_increment" msgpack:"size_increment"`
	Multiplier     string  `json:"multiplier" msgpack:"multiplier"`
	MaxQuantity    *string `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity    *string `json:"min_quantity" msgpack:"min_quantity"`
	MaxPrice       *string `json:"max_price" msgpack:"max_price"`
	MinPrice       *string `json:"min_price" msgpack:"min_price"`
	LotSize        string  `json:"lot_size" msgpack:"lot_size"`
	Underlying     string  `json:"underlying" msgpack:"underlying"`
	ActivationNs   int64   `json:"activation_ns" msgpack:"activation_ns"`
	ExpirationNs   int64   `json:"expiration_ns" msgpack:"expiration_ns"`
	MarginInit     string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string  `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee       string  `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee       string  `json:"taker_fee" msgpack:"taker_fee"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Exchange       *string `json:"exchange" msgpack:"exchange"`
	TickSchemeName *string `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info           Record  `json:"info" msgpack:"info"`
}
