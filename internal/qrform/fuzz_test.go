package qrform

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeAnswer feeds the answer decoder and the answer's checks outside bytes: they
// refuse or accept, never panic, and never keep more values than the limits.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add([]byte(`{"consent":true,"values":{"f1":"Nguyễn Văn An","f2":["Sốt","Ho"]}}`))
	f.Add([]byte(`{"values":{"f1":1}}`))
	f.Add([]byte(`{"files":{"f3":{"name":"a.png","data":"iVBORw0KGgo="}}}`))
	f.Add([]byte(`{"values":` + strings.Repeat(`[`, 10000) + `}`))                  // nesting bomb
	f.Add([]byte(`{"values":{"f1":[` + strings.Repeat(`"a",`, 5000) + `"a"]}}`))    // a value list bomb
	f.Add([]byte(`{"values":{` + strings.Repeat(`"k":"v",`, 3000) + `"z":"v"}}`))   // a field count bomb
	f.Add([]byte(`{"files":{"f3":{"data":"` + strings.Repeat("A", 8<<20) + `"}}}`)) // a file size bomb
	f.Add([]byte(`{"values":{"` + strings.Repeat("x", 100) + `":"a"}}`))            // a long key
	form := Form{ID: 1, Status: StatusPublished, OpensAt: time.Unix(0, 0), ClosesAt: time.Unix(1<<40, 0), RetentionDays: 30,
		Fields: []Field{{Key: "f1", Label: "Họ tên", Kind: KindText, Required: true},
			{Key: "f2", Label: "Triệu chứng", Kind: KindMulti, Options: []string{"Sốt", "Ho"}},
			{Key: "f3", Label: "Ảnh", Kind: KindFile}, {Key: "f4", Label: "Ngày", Kind: KindDate},
			{Key: "f5", Label: "CCCD", Kind: KindCCCD}, {Key: "f6", Label: "Số", Kind: KindNumber}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		sub, err := DecodeAnswer(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(sub.Values) > MaxFields || len(sub.Files) > MaxFiles {
			t.Fatalf("%d values, %d files kept", len(sub.Values), len(sub.Files))
		}
		for _, v := range sub.Values {
			if len(v) > MaxOptions {
				t.Fatalf("%d values of one field", len(v))
			}
		}
		for _, u := range sub.Files {
			if len(u.Data) > MaxFileSize+3 {
				t.Fatalf("file of %d bytes", len(u.Data))
			}
		}
		CheckAnswer(form, sub, nil)
	})
}
