package qrform

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
)

// rawAnswer is an answer as the API takes it: {"consent": true, "values": {"f1": "…",
// "f2": ["a", "b"]}, "files": {"f3": {"name": "…", "data": "base64…"}}}.
type rawAnswer struct {
	Consent bool                       `json:"consent"`
	Values  map[string]json.RawMessage `json:"values"`
	Files   map[string]struct {
		Name string `json:"name"`
		Data string `json:"data"`
	} `json:"files"`
}

// DecodeAnswer reads an answer's JSON from r. It reads at most MaxBody bytes (more is
// ErrTooLarge) before decoding anything, then refuses more values than a form has fields
// and more values of one field than a choice has options, before decoding the files.
func DecodeAnswer(r io.Reader) (Submission, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBody+1))
	if err != nil {
		return Submission{}, ErrBody.With(err)
	}
	if len(body) > MaxBody {
		return Submission{}, ErrTooLarge
	}
	return decodeAnswer(body)
}

func decodeAnswer(body []byte) (Submission, error) {
	var raw rawAnswer
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return Submission{}, ErrBody.With(err)
	}
	if len(raw.Values) > MaxFields || len(raw.Files) > MaxFiles {
		return Submission{}, ErrTooLarge
	}
	sub := Submission{Consent: raw.Consent, Values: map[string][]string{}, Files: map[string]Upload{}}
	for k, v := range raw.Values {
		if len(k) > 16 {
			return Submission{}, ErrBody
		}
		var one string
		if err := json.Unmarshal(v, &one); err == nil {
			sub.Values[k] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(v, &many); err != nil {
			return Submission{}, ErrBody.With(errors.New("a value is neither a string nor a list of strings"))
		}
		if len(many) > MaxOptions {
			return Submission{}, ErrTooLarge
		}
		sub.Values[k] = many
	}
	for k, f := range raw.Files {
		if len(k) > 16 || base64.StdEncoding.DecodedLen(len(f.Data)) > MaxFileSize+3 {
			return Submission{}, ErrTooLarge
		}
		data, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			return Submission{}, ErrBody.With(err)
		}
		sub.Files[k] = Upload{Name: f.Name, Data: data}
	}
	return sub, nil
}
