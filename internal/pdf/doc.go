// Package pdf reads and appends to PDF files (ISO 32000-1) as far as xaso's signatures
// need, and no further; it never rewrites a file's bytes.
//
// What it reads: the objects and their syntax (Name, Number, String, HexString, Array,
// Dict, Ref, Stream), a file's cross-reference sections from the last one back
// (classic tables, cross-reference streams and hybrid files, objects inside object
// streams, FlateDecode with or without a PNG predictor), the page tree and a page's media
// box, text strings and dates (Parse, Document). Encrypted files are refused
// (ErrEncrypted); page content is never decoded.
//
// What it writes: an incremental update (Update) appended after the original bytes, its
// cross-reference section in the style of the file's last one, so that earlier
// signatures stay valid; a form XObject made of another PDF's page (a signature's or a
// stamp's appearance).
//
// What it checks: whether a file carries JavaScript, an automatic action or an embedded
// file (ActiveContent), reading every object written in it as a repairing reader would.
//
// Its limits: every PDF read here comes from outside (a citizen's paper, an official's
// result, a file posted to the public verification page), so every reading spends a
// Budget before it allocates: cross-reference entries bounded by the file's size, bytes
// inflated, values per object, nesting, references followed and time (limits.go). A
// refusal by a limit is an apperr with a stable code and a Vietnamese message
// (ErrTooManyObjects, ErrInflateLimit, ErrTooComplex, ErrTooSlow), the file's fault (a
// 422, never a 500); Classify gives any other reading error its code (ErrInvalid).
// Package pdfbomb builds the hostile files its tests and fuzz corpora use.
//
// pdf imports no other xaso package than apperr: signing builds on it, and the
// attachments' check of results calls ActiveContent.
package pdf
