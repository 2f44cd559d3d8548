// Package emulator is a local, in-memory stand-in for the Realtime Cloud
// Messaging (ORTC) REST API: the balancer, the messaging server (token
// permissions, send, publish, sendbatch, presence) and the mobile push JSON
// API, spoken byte for byte as the wire contract in
// shared/spec/ortc-rest-api.md says, including its decisions where the
// vendor is silent.
//
// It exists so that the client, the provider and people can work without the
// cloud: tests run it in-process behind httptest, people run its command
// (cmd/realtime-emulator) as a local server. Beside the contract it records
// everything it accepted (tokens, presence, every message part and the
// reassembled messages, push notifications), counts requests per route and
// per application, can inject faults (status codes with Retry-After, delays,
// dropped connections) and offers a JSON admin API under /_emulator/ to seed
// and inspect all of that. It can persist its state to a file so that a
// restart loses nothing it accepted.
//
// # Decisions
//
// Where the contract leaves the server a choice, the emulator decides so:
//
//   - Checks run in this order: missing application key (400), unknown or
//     disabled key (401), missing private key (400) or wrong one (401), then
//     the other fields (400), then token permissions (401). Nothing is
//     recorded unless the whole request is valid; sendbatch and
//     publishbatch are all or nothing.
//   - A PK, when given, wins over an AT (and must be right). Without
//     enforced authentication a token is only checked for its shape: any
//     well-formed token may send, publish and read presence.
//   - Wildcards are "main:*" with no ':' in main; they are valid in
//     permissions and presence switches, not as a target of send or of a
//     presence read. Disabling presence on "main:x" removes only its own
//     switch: an enabled "main:*" still covers it.
//   - An M that is not valid UTF-8 is refused (400): a client split a
//     character. A part received again is kept and counted in
//     Message.Duplicates; its first chunk stays. Only publish takes sequence
//     ids; send and sendbatch answer 201 with an empty body.
//   - The query string fills in the names the body lacks, on every route
//     and under either body: the body wins name by name, and a name in the
//     body hides all of its query values (a repeated field such as
//     publishbatch's channels is not extended, authenticate sees no
//     duplicate channel). A JSON null counts as absent, so the query's
//     value is taken. Push fields that have a JSON type (message a string,
//     payload, apns and gcm objects, channels an array) are type-checked
//     when a JSON body carries them; from a form body or the query they are
//     text, the object's JSON text or the field repeated.
//   - JSONP errors are answered 200, like JSONP successes: a script tag
//     cannot read a status. An invalid callback name is a plain 400.
//   - The push API answers errors as {"exception":"<Kind>","message":"..."}
//     with the kinds InvalidRequest (400), Unauthorized (401), NotFound,
//     MethodNotAllowed, PayloadTooLarge and ServerError. Page tokens are
//     bound to their listing; a topic's devices and an app's topics are
//     listed in the order they were added.
//   - Requests are counted per route always and per app when they name a
//     known app; faulted requests are counted, admin requests never.
//
// What it is not: it delivers nothing. There are no WebSocket connections,
// no subscribers other than simulated ones (which only feed presence
// counts), no real push to devices, no TLS (the ssl balancer path answers
// the emulator's own URL), no plan limits, quotas or retention. It shares the
// contract with internal/ortc, never code: two independent readings of the
// same specification catch each other's mistakes.
package emulator
