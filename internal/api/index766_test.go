package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// TestIndex766OnTimeFormula: a month of dossiers imported — four resolved on time, one
// late, one refused on time, two open within their appointment, one open past it — and
// the API's progress.on_time is the formula's rate: 7 of the 9 dossiers received or
// handled in March 2024 (the open ones judged on 31 March), 77.78%. Dividing only the
// resolved ones, as xaso did, gave 4/5 = 80%.
func TestIndex766OnTimeFormula(t *testing.T) {
	e := newEnv(t)
	vn := func(s string) time.Time {
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			panic(err)
		}
		return t.Add(-7 * time.Hour).UTC()
	}
	ptr := func(s string) *time.Time { v := vn(s); return &v }
	rec := func(name, received, due string, status dossier.Status, resolved, ended *time.Time, reason string) dossier.Record {
		return dossier.Record{Unit: demo.CommuneCode, ProcedureCode: demo.CurrentProcedure, Channel: dossier.ChannelCounter,
			Applicant: dossier.Applicant{FullName: name}, ReceivedAt: vn(received), DueAt: vn(due), Status: status,
			ResolvedAt: resolved, EndedAt: ended, Reason: reason}
	}
	records := []dossier.Record{
		rec("Một", "2024-03-04 09:00", "2024-03-07 17:00", dossier.StatusReturned, ptr("2024-03-06 10:00"), ptr("2024-03-07 09:00"), ""),
		rec("Hai", "2024-03-05 09:00", "2024-03-08 17:00", dossier.StatusReturned, ptr("2024-03-08 16:00"), ptr("2024-03-11 09:00"), ""),
		rec("Ba", "2024-03-11 09:00", "2024-03-14 17:00", dossier.StatusResolved, ptr("2024-03-12 10:00"), nil, ""),
		rec("Bốn", "2024-03-12 09:00", "2024-03-15 17:00", dossier.StatusReturned, ptr("2024-03-15 09:00"), ptr("2024-03-20 09:00"), ""),
		rec("Năm (trễ)", "2024-03-13 09:00", "2024-03-18 17:00", dossier.StatusReturned, ptr("2024-03-20 10:00"), ptr("2024-03-21 09:00"), ""),
		rec("Sáu (từ chối)", "2024-03-14 09:00", "2024-03-19 17:00", dossier.StatusRefused, nil, ptr("2024-03-15 09:00"), "Không thuộc thẩm quyền"),
		rec("Bảy (đang, trong hạn)", "2024-03-27 09:00", "2024-04-01 17:00", dossier.StatusProcessing, nil, nil, ""),
		rec("Tám (đang, trong hạn)", "2024-03-28 09:00", "2024-04-02 17:00", dossier.StatusReceived, nil, nil, ""),
		rec("Chín (đang, quá hạn)", "2024-03-18 09:00", "2024-03-21 17:00", dossier.StatusProcessing, nil, nil, ""),
	}
	if _, err := dossier.Import(context.Background(), e.st, records); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/reports/index766?unit="+demo.CommuneCode+"&from=2024-03-01&to=2024-03-31", nil)
	req.Header.Set("Authorization", "Bearer "+e.token(t, "lanhdao"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var idx struct {
		Earned     float64 `json:"earned"`
		Computable float64 `json:"computable"`
		OutOf      float64 `json:"out_of"`
		MeasuredTo string  `json:"measured_to"`
		Indicators []struct {
			ID          string   `json:"id"`
			Numerator   *int64   `json:"numerator"`
			Denominator *int64   `json:"denominator"`
			Rate        *float64 `json:"rate"`
			Score       *float64 `json:"score"`
		} `json:"indicators"`
		Months []struct {
			Label string `json:"label"`
			Empty bool   `json:"empty"`
		} `json:"months"`
	}
	if err := json.Unmarshal(body, &idx); err != nil {
		t.Fatal(err)
	}
	for _, ind := range idx.Indicators {
		if ind.ID != "progress.on_time" {
			continue
		}
		if ind.Numerator == nil || *ind.Numerator != 7 || *ind.Denominator != 9 || *ind.Rate != 77.78 || *ind.Score != 7.78 {
			t.Fatalf("progress.on_time: %s", body)
		}
		if idx.MeasuredTo != "2024-03-31" || len(idx.Months) != 1 || idx.Months[0].Empty || idx.OutOf != 100 ||
			idx.Earned <= 0 || idx.Earned > idx.Computable || idx.Computable >= 100 {
			t.Fatalf("measured to %s, months %+v", idx.MeasuredTo, idx.Months)
		}
		return
	}
	t.Fatalf("no progress.on_time in %s", body)
}
