package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
)

// errBodyJSON and errBodyForm are the two ways a body can fail to parse.
var (
	errBodyJSON = errors.New("the request body is not a valid JSON object")
	errBodyForm = errors.New("the request body is not valid form data")
)

// parseBody decodes a request body the lenient way the contract asks of the
// server, whatever the Content-Type: as a JSON object when its first
// non-blank byte is '{', otherwise as form data (SDKs differ in what they
// send and what header they put on it).
//
// JSON members become string values: strings as they are, numbers and
// booleans as their literal text, objects and arrays as their raw JSON
// text, null as absent. raw keeps every member as sent, for the push API
// whose payloads are objects; it is nil for form bodies.
func parseBody(body []byte) (vals url.Values, raw map[string]json.RawMessage, err error) {
	if looksJSON(body) {
		if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
			return nil, nil, errBodyJSON
		}
		vals = make(url.Values, len(raw))
		for k, v := range raw {
			switch v[0] {
			case 'n': // null: the member is absent
				delete(raw, k)
			case '"':
				var s string
				if err := json.Unmarshal(v, &s); err != nil {
					return nil, nil, errBodyJSON
				}
				vals[k] = []string{s}
			default:
				vals[k] = []string{string(v)}
			}
		}
		return vals, raw, nil
	}
	vals, err = url.ParseQuery(string(body))
	if err != nil {
		return nil, nil, errBodyForm
	}
	return vals, nil, nil
}

// looksJSON reports whether the first non-blank byte of body is '{'.
func looksJSON(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// mergeQuery adds the query parameters whose names the body does not have:
// the body wins name by name. A name in the body hides every query value of
// that name, not only the first (net/http's r.Form appends them), so that a
// repeated form field such as publishbatch's channels is taken whole from
// one place, the way a JSON array is, and authenticate does not see a
// channel "given twice" because a URL carried it too. A JSON null was
// dropped by parseBody, so the query fills it in.
func mergeQuery(vals url.Values, rawQuery string) error {
	if rawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return err
	}
	for k, vs := range q {
		if _, inBody := vals[k]; !inBody {
			vals[k] = vs
		}
	}
	return nil
}
