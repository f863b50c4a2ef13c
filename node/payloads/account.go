package payloads

// AccountBalance is one entry of AccountState.balances: plain decimals at
// the currency's precision, the currency in its own field
// (model/objects.pyx:1994-2009).
type AccountBalance struct {
	Type     string `json:"type" msgpack:"type"`
	Total    string `json:"total" msgpack:"total"`
	Locked   string `json:"locked" msgpack:"locked"`
	Free     string `json:"free" msgpack:"free"`
	Currency string `json:"currency" msgpack:"currency"`
}

// MarginBalance is one entry of AccountState.margins
// (model/objects.pyx:2113-2128); instrument_id is null for an
// account-wide margin.
type MarginBalance struct {
	Type         string  `json:"type" msgpack:"type"`
	Initial      string  `json:"initial" msgpack:"initial"`
	Maintenance  string  `json:"maintenance" msgpack:"maintenance"`
	Currency     string  `json:"currency" msgpack:"currency"`
	InstrumentID *string `json:"instrument_id" msgpack:"instrument_id"`
}

// AccountState is one element of accounts:{account_id}
// (model/events/account.pyx:158-172). Balances and Margins are lists
// upstream, never null: a cash account's margins are an empty slice.
type AccountState struct {
	Type         string           `json:"type" msgpack:"type"`
	AccountID    string           `json:"account_id" msgpack:"account_id"`
	AccountType  string           `json:"account_type" msgpack:"account_type"`
	BaseCurrency *string          `json:"base_currency" msgpack:"base_currency"`
	Balances     []AccountBalance `json:"balances" msgpack:"balances"`
	Margins      []MarginBalance  `json:"margins" msgpack:"margins"`
	Reported     bool             `json:"reported" msgpack:"reported"`
	Info         Record           `json:"info" msgpack:"info"`
	EventID      string           `json:"event_id" msgpack:"event_id"`
	TsEvent      string           `json:"ts_event" msgpack:"ts_event"`
	TsInit       string           `json:"ts_init" msgpack:"ts_init"`
}
