// Command ceiling measures the bare ceiling of intake: the same transaction an online
// filing runs (dossier.Service.File: the procedure, the calendar, the idempotency key the
// load generator sends with every filing, the code's sequence row, the dossier, its event,
// its counters, its audit record), in a Go loop with no HTTP, so that the load
// generator's intake rate can be reported as a share of it.
//
//	go run ./bench/ceiling -db sqlite:/tmp/ceiling.db -workers 64 -duration 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xaso-vn/xaso/bench/internal/cpuprof"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func main() {
	dsn := flag.String("db", "", "a fresh database: sqlite:PATH or postgres://… (the demo is loaded into it)")
	workers := flag.Int("workers", 64, "concurrent filings")
	duration := flag.Duration("duration", 10*time.Second, "how long to run")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	stopProfile, err := cpuprof.Start(*cpuProfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
	defer stopProfile()
	if err := run(*dsn, *workers, *duration); err != nil {
		stopProfile()
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
}

func run(dsn string, workers int, duration time.Duration) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1)); err != nil {
		return err
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		return err
	}
	cals := workcal.New(st)
	svc := &dossier.Service{Store: st, Calendars: cals, Now: time.Now}
	proc, err := st.PublishedProcedure(ctx, u.ID, demo.CurrentProcedure)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	for _, f := range proc.Form {
		if f.Required {
			fields[f.Name] = map[string]string{"date": "1990-05-12", "number": "1", "id_number": "037085001234", "phone": "0912345678"}[string(f.Type)]
			if f.Type == "choice" {
				fields[f.Name] = f.Options[0]
			}
			if fields[f.Name] == "" {
				fields[f.Name] = "Xã Yên Từ"
			}
		}
	}
	citizen := dossier.Actor{P: &auth.Principal{UserID: 0, Username: "congdan"}}
	in := dossier.Intake{Channel: dossier.ChannelOnline, ReceivingUnitID: u.ID, Fields: fields,
		Applicant: dossier.Applicant{FullName: "Nguyễn Văn Thử", IDNumber: "037085001234", Phone: "0912345678"}}
	var n, failed, keys atomic.Int64
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				// A fresh key each time, as the load generator's citizens send one.
				idem := dossier.Idempotency{Principal: "user:ceiling", Key: fmt.Sprintf("ceiling-%d", keys.Add(1)), BodyHash: "ceiling"}
				if _, _, err := svc.File(ctx, demo.CurrentProcedure, in, citizen, idem); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	fmt.Printf("engine %s, workers %d: %d filings in %.1f s = %.0f/s, %d errors\n", st.Dialect(), workers, n.Load(), el, float64(n.Load())/el, failed.Load())
	gs := st.GroupStats()
	fmt.Printf("group commit: %d changes in %d commits (%.1f a commit)\n", gs.Changes, gs.Commits, float64(gs.Changes)/float64(max(gs.Commits, 1)))
	if e := firstErr.Load(); e != nil {
		return fmt.Errorf("first error: %v", e)
	}
	return nil
}
