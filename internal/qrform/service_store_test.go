package qrform_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// clock is an injected clock a test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	svc   *qrform.Service
	d     storetest.Demo
	clock *clock
	files *blob.Local
	dir   string
}

func setup(t *testing.T) fixture {
	t.Helper()
	d := storetest.OpenDemo(t)
	dir := t.TempDir()
	files, err := blob.OpenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { files.Close() })
	c := &clock{t: time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)}
	svc := &qrform.Service{Store: d.Store, Files: files, Now: c.now, BaseURL: "https://xa.example"}
	return fixture{svc: svc, d: d, clock: c, files: files, dir: dir}
}

// healthDraft is a health declaration: name, phone, CCCD, village, symptoms (multiple),
// contact (single), a temperature, a date and a photo of a test.
func healthDraft(now time.Time) qrform.Draft {
	return qrform.Draft{Title: "Tờ khai y tế", Purpose: "Theo dõi sức khỏe người ra vào xã trong mùa dịch.",
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour), RetentionDays: 14,
		Fields: []qrform.Field{
			{Label: "Họ và tên", Kind: qrform.KindText, Required: true},
			{Label: "Số điện thoại", Kind: qrform.KindPhone, Required: true},
			{Label: "Số định danh cá nhân", Kind: qrform.KindCCCD},
			{Label: "Thôn, xóm", Kind: qrform.KindVillage, Required: true},
			{Label: "Triệu chứng", Kind: qrform.KindMulti, Options: []string{"Sốt", "Ho", "Khó thở", "Không có"}, Required: true},
			{Label: "Tiếp xúc người bệnh", Kind: qrform.KindChoice, Options: []string{"Có", "Không"}, Required: true},
			{Label: "Nhiệt độ", Kind: qrform.KindNumber},
			{Label: "Ngày về địa phương", Kind: qrform.KindDate},
			{Label: "Ảnh kết quả xét nghiệm", Kind: qrform.KindFile},
		}}
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func good(village string, symptoms ...string) qrform.Submission {
	return qrform.Submission{Consent: true, Values: map[string][]string{
		"f1": {"Nguyễn Văn An"}, "f2": {"0912 345 678"}, "f3": {"036095001234"}, "f4": {village},
		"f5": symptoms, "f6": {"Không"}, "f7": {"36,8"}, "f8": {"05/12/2026"}}}
}

func published(t *testing.T, fx fixture) qrform.Form {
	t.Helper()
	ctx := context.Background()
	leader := fx.d.Member(t, "vanhoa", auth.RoleCulture)
	f, err := fx.svc.Create(ctx, leader, fx.d.Unit, healthDraft(fx.clock.t))
	if err != nil {
		t.Fatal(err)
	}
	if f, err = fx.svc.Publish(ctx, leader, f.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func code(err error) string { return apperr.From(err).Code }

func TestBuildAnswerAndRefusals(t *testing.T) {
	ctx := context.Background()
	fx := setup(t)
	villages, err := fx.d.Store.CommunityVillages(ctx, fx.d.Unit)
	if err != nil {
		t.Fatal(err)
	}
	v1 := villages[0].Code
	// A counter official does not build forms; a draft is not public.
	counter := fx.d.Member(t, "motcua", auth.RoleCounter)
	if _, err := fx.svc.Create(ctx, counter, fx.d.Unit, healthDraft(fx.clock.t)); !errors.Is(err, qrform.ErrNotBuilder) {
		t.Fatalf("counter creates: %v", err)
	}
	culture := fx.d.Member(t, "vanhoa", auth.RoleCulture)
	bad := healthDraft(fx.clock.t)
	bad.Fields[4].Options = []string{"Sốt"}
	bad.RetentionDays = 0
	_, err = fx.svc.Create(ctx, culture, fx.d.Unit, bad)
	var fe *qrform.FieldError
	if !errors.As(err, &fe) || fe.Fields["field_5"] == "" || fe.Fields["retention_days"] == "" || code(err) != "invalid_form" {
		t.Fatalf("bad draft: %v %+v", err, fe)
	}
	draft, err := fx.svc.Create(ctx, culture, fx.d.Unit, healthDraft(fx.clock.t))
	if err != nil {
		t.Fatal(err)
	}
	if draft.Fields[8].Key != "f9" || draft.Status != qrform.StatusDraft || len(draft.Code) != 7 {
		t.Fatalf("draft: %+v", draft)
	}
	if _, err := fx.svc.Form(ctx, nil, draft.ID); !errors.Is(err, qrform.ErrNotFound) {
		t.Fatalf("draft seen by anonymous: %v", err)
	}
	if _, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "a"}, draft, good(v1, "Sốt")); code(err) != "form_closed" {
		t.Fatalf("answer to a draft: %v", err)
	}
	f, err := fx.svc.Publish(ctx, culture, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fx.svc.Link(f) != "https://xa.example/bm/"+f.Code {
		t.Fatalf("link %q", fx.svc.Link(f))
	}
	// Refusals, each storing nothing.
	noConsent := good(v1, "Sốt")
	noConsent.Consent = false
	missing := good(v1, "Sốt")
	delete(missing.Values, "f1")
	wrong := good("không-có", "Sốt", "Cúm")
	wrong.Values["f3"] = []string{"999123456789"}
	wrong.Values["f2"] = []string{"12345"}
	wrong.Values["f8"] = []string{"31/02/2026"}
	notImage := good(v1, "Ho")
	notImage.Files = map[string]qrform.Upload{"f9": {Name: "x.png", Data: []byte("MZ this is an executable, not a picture")}}
	fileElsewhere := good(v1, "Ho")
	fileElsewhere.Files = map[string]qrform.Upload{"f1": {Name: "x.png", Data: pngBytes(t)}}
	for name, c := range map[string]struct {
		sub    qrform.Submission
		fields []string
	}{
		"no consent":         {noConsent, []string{"consent"}},
		"missing required":   {missing, []string{"f1"}},
		"wrong values":       {wrong, []string{"f2", "f3", "f4", "f5", "f8"}},
		"not an image":       {notImage, []string{"f9"}},
		"file not asked for": {fileElsewhere, []string{"f1"}},
	} {
		_, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "a"}, f, c.sub)
		var fe *qrform.FieldError
		if !errors.As(err, &fe) || code(err) != "invalid_answer" {
			t.Fatalf("%s: %v", name, err)
		}
		for _, k := range c.fields {
			if fe.Fields[k] == "" {
				t.Errorf("%s: no message for %s: %v", name, k, fe.Fields)
			}
		}
	}
	// Good answers, one with a photo; the counts follow.
	withPhoto := good(v1, "Sốt", "Ho")
	withPhoto.Files = map[string]qrform.Upload{"f9": {Name: "kq.png", Data: pngBytes(t)}}
	who := qrform.Answerer{Client: "a", P: culture}
	a, err := fx.svc.Submit(ctx, who, f, withPhoto)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != 1 || a.Files[0].ContentType != "image/png" || a.ConsentPurpose != f.Purpose || !a.ConsentAt.Equal(fx.clock.t) {
		t.Fatalf("answer: %+v", a)
	}
	if _, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "b"}, f, good(villages[1].Name, "Không có")); err != nil {
		t.Fatal(err)
	}
	_, cs, err := fx.svc.Counts(ctx, culture, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]int64{{"", ""}: 2, {"f5", "Sốt"}: 1, {"f5", "Ho"}: 1, {"f5", "Khó thở"}: 0, {"f5", "Không có"}: 1,
		{"f6", "Không"}: 2, {"f6", "Có"}: 0, {"f4", v1}: 1, {"f4", villages[1].Code}: 1}
	got := map[[2]string]int64{}
	for _, c := range cs {
		got[[2]string{c.Field, c.Choice}] = c.N
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("count %v: %d, want %d", k, got[k], n)
		}
	}
	// Filters: a choice, a village, a day.
	for name, c := range map[string]struct {
		q    qrform.AnswerQuery
		want int
	}{
		"all":      {qrform.AnswerQuery{}, 2},
		"Sốt":      {qrform.AnswerQuery{Field: "f5", Choice: "Sốt"}, 1},
		"Khó thở":  {qrform.AnswerQuery{Field: "f5", Choice: "Khó thở"}, 0},
		"village":  {qrform.AnswerQuery{VillageID: villages[1].ID}, 1},
		"today":    {qrform.AnswerQuery{From: fx.clock.t.Add(-time.Minute), To: fx.clock.t.Add(time.Minute)}, 2},
		"tomorrow": {qrform.AnswerQuery{From: fx.clock.t.Add(24 * time.Hour)}, 0},
	} {
		c.q.FormID = f.ID
		_, as, n, err := fx.svc.Answers(ctx, culture, c.q)
		if err != nil || n != c.want || len(as) != c.want {
			t.Errorf("filter %s: %d (%d listed), %v; want %d", name, n, len(as), err, c.want)
		}
	}
	if _, _, _, err := fx.svc.Answers(ctx, counter, qrform.AnswerQuery{FormID: f.ID}); !errors.Is(err, qrform.ErrNotBuilder) {
		t.Fatalf("counter reads answers: %v", err)
	}
	// The fields are frozen by the first answer; the closing time is not.
	d := healthDraft(fx.clock.t)
	d.OpensAt = f.OpensAt
	d.Fields = d.Fields[:3]
	if _, err := fx.svc.Update(ctx, culture, f.ID, d); !errors.Is(err, qrform.ErrFrozen) {
		t.Fatalf("fields changed after answers: %v", err)
	}
	d = healthDraft(fx.clock.t)
	d.OpensAt, d.ClosesAt = f.OpensAt, fx.clock.t.Add(time.Hour)
	if f, err = fx.svc.Update(ctx, culture, f.ID, d); err != nil {
		t.Fatal(err)
	}
	// After the closing time: form_closed.
	fx.clock.t = fx.clock.t.Add(2 * time.Hour)
	if _, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "c"}, f, good(v1, "Ho")); code(err) != "form_closed" {
		t.Fatalf("after closing: %v", err)
	}
	_, _, n, _ := fx.svc.Answers(ctx, culture, qrform.AnswerQuery{FormID: f.ID})
	if n != 2 {
		t.Fatalf("%d answers stored, want 2: a refusal stored something", n)
	}
	// The exports: CSV with a BOM, the village by its name; the workbook's rows.
	_, as, _, _ := fx.svc.Answers(ctx, culture, qrform.AnswerQuery{FormID: f.ID})
	rows := qrform.Table(f, as, map[string]string{v1: villages[0].Name})
	var b bytes.Buffer
	if err := qrform.WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV without a BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][3] != "Họ và tên" || !strings.Contains(strings.Join(recs[2], "|"), villages[0].Name) ||
		!strings.Contains(strings.Join(recs[2], "|"), "05/12/2026") || !strings.Contains(strings.Join(recs[2], "|"), "Sốt; Ho") {
		t.Fatalf("CSV: %v %q", err, recs)
	}
	b.Reset()
	if err := qrform.WriteXLSX(&b, f.Title, rows); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	xr, err := x.GetRows("Câu trả lời")
	if err != nil || len(xr) != 3 || xr[0][3] != "Họ và tên" {
		t.Fatalf("XLSX: %v %q", err, xr)
	}
}

// The flood guard refuses an address past its burst (429 answer_flood), others pass.
func TestAnswerFlood(t *testing.T) {
	ctx := context.Background()
	fx := setup(t)
	fx.svc.Limiter = ratelimit.New(3, 1).WithClock(fx.clock.now)
	f := published(t, fx)
	vs, _ := fx.d.Store.CommunityVillages(ctx, fx.d.Unit)
	for i := 0; i < 3; i++ {
		if _, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "10.0.0.1"}, f, good(vs[0].Code, "Ho")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "10.0.0.1"}, f, good(vs[0].Code, "Ho"))
	if !errors.Is(err, qrform.ErrFlood) || apperr.KindOf(err).HTTPStatus() != 429 {
		t.Fatalf("flood: %v", err)
	}
	if _, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "10.0.0.2"}, f, good(vs[0].Code, "Ho")); err != nil {
		t.Fatal(err)
	}
}

// After the retention (injected clock) the purge leaves 0 answers and 0 files, the
// counts intact, and an audit record with the counts.
func TestPurgeAfterRetention(t *testing.T) {
	ctx := context.Background()
	fx := setup(t)
	f := published(t, fx)
	vs, _ := fx.d.Store.CommunityVillages(ctx, fx.d.Unit)
	var keys []string
	for i := 0; i < 5; i++ {
		sub := good(vs[i%2].Code, "Sốt")
		img := image.NewRGBA(image.Rect(0, 0, 3+i, 3))
		var b bytes.Buffer
		png.Encode(&b, img)
		sub.Files = map[string]qrform.Upload{"f9": {Data: b.Bytes()}}
		a, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "x"}, f, sub)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, a.Files[0].Key)
	}
	// Not yet: 13 days later.
	fx.clock.t = fx.clock.t.Add(13 * 24 * time.Hour)
	// (The demo's own answers, of real days, may go in these purges too.)
	culture := fx.d.Member(t, "vanhoa", auth.RoleCulture)
	res, err := fx.svc.Purge(ctx)
	if _, _, n, _ := fx.svc.Answers(ctx, culture, qrform.AnswerQuery{FormID: f.ID}); err != nil || n != 5 {
		t.Fatalf("early purge: %d left, %+v %v", n, res, err)
	}
	fx.clock.t = fx.clock.t.Add(24 * time.Hour)
	res, err = fx.svc.Purge(ctx)
	if err != nil || res.Answers < 5 || res.Files != 5 {
		t.Fatalf("purge: %+v %v", res, err)
	}
	_, as, n, err := fx.svc.Answers(ctx, culture, qrform.AnswerQuery{FormID: f.ID})
	if err != nil || n != 0 || len(as) != 0 {
		t.Fatalf("after purge: %d answers, %v", n, err)
	}
	for _, k := range keys {
		if ok, err := fx.files.Exists(ctx, k); err != nil || ok {
			t.Fatalf("file %s still stored (%v)", k, err)
		}
	}
	f2, cs, err := fx.svc.Counts(ctx, culture, f.ID)
	if err != nil || cs[0].N != 5 || f2.Answers != 5 || f2.Stored != 0 {
		t.Fatalf("counts after purge: %+v %+v %v", cs, f2, err)
	}
	for _, c := range cs {
		if c.Field == "f5" && c.Choice == "Sốt" && c.N != 5 {
			t.Fatalf("Sốt: %d", c.N)
		}
	}
	recs, _, err := fx.d.Store.AuditRecords(ctx, fx.d.Unit, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Event.Action == "qrform.purge" && r.Event.ObjectID == strconv.FormatInt(f.ID, 10) {
			found = strings.Join(r.Event.Fields, ",") == "answers=5,files=5"
		}
		for _, fl := range r.Event.Fields {
			if strings.Contains(fl, "Nguyễn") || strings.Contains(fl, "0912") {
				t.Fatalf("personal value in the audit: %q", fl)
			}
		}
	}
	if !found {
		t.Fatal("no audit record of the purge with its counts")
	}
	// Nothing left: a second purge deletes nothing.
	if res, err := fx.svc.Purge(ctx); err != nil || res.Answers != 0 {
		t.Fatalf("second purge: %+v %v", res, err)
	}
}

// The demo shows a health declaration and a visitor register, published and open, with
// six answers each.
func TestDemoForms(t *testing.T) {
	ctx := context.Background()
	fx := setup(t)
	fx.svc.Now = time.Now
	fs, err := fx.svc.Forms(ctx, fx.d.Member(t, "lanhdao", auth.RoleLeader), fx.d.Unit)
	if err != nil || len(fs) != 2 {
		t.Fatalf("demo forms: %d, %v", len(fs), err)
	}
	titles := map[string]bool{}
	for _, f := range fs {
		titles[f.Title] = true
		if !f.Open(time.Now()) || f.Answers != 6 || f.Stored != 6 {
			t.Errorf("%s: open %v, %d answers (%d stored)", f.Title, f.Open(time.Now()), f.Answers, f.Stored)
		}
	}
	if !titles["Tờ khai y tế"] || !titles["Sổ đăng ký khách đến làm việc"] {
		t.Fatalf("demo titles: %v", titles)
	}
}

// A file written for an answer the store then refuses (the form closed meanwhile) is
// deleted again: nothing partial stays, in the database or in the blob store.
func TestRefusedAnswerLeavesNoFile(t *testing.T) {
	ctx := context.Background()
	fx := setup(t)
	f := published(t, fx)
	culture := fx.d.Member(t, "vanhoa", auth.RoleCulture)
	d := healthDraft(fx.clock.t)
	d.OpensAt, d.ClosesAt = f.OpensAt, fx.clock.t.Add(-time.Minute) // closed by another official
	if _, err := fx.svc.Update(ctx, culture, f.ID, d); err != nil {
		t.Fatal(err)
	}
	vs, _ := fx.d.Store.CommunityVillages(ctx, fx.d.Unit)
	sub := good(vs[0].Code, "Ho")
	sub.Files = map[string]qrform.Upload{"f9": {Data: pngBytes(t)}}
	// f is the form as the answerer's page loaded it, still open.
	if _, err := fx.svc.Submit(ctx, qrform.Answerer{Client: "a"}, f, sub); code(err) != "form_closed" {
		t.Fatalf("answer to a form closed meanwhile: %v", err)
	}
	entries, err := filepath.Glob(filepath.Join(fx.dir, "*", "*"))
	if err != nil || len(entries) != 0 {
		t.Fatalf("files left in the blob store: %v %v", entries, err)
	}
	if _, _, n, _ := fx.svc.Answers(ctx, culture, qrform.AnswerQuery{FormID: f.ID}); n != 0 {
		t.Fatalf("%d answers stored", n)
	}
}
