package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func lunarCmd() *command {
	return &command{name: "lunar", synopsis: "lunar YYYY-MM-DD\n       xaso lunar [--leap] --to-solar D/M/YYYY",
		summary: "đổi ngày dương ↔ âm lịch (solar ↔ lunar dates)",
		help: `Đổi một ngày dương lịch sang âm lịch Việt Nam, in: ngày dương<TAB>ngày âm (DD/MM/YYYY, thêm " nhuận" nếu
thuộc tháng nhuận)<TAB>năm Can Chi. Với --to-solar, đổi ngày âm D/M/YYYY sang ngày dương YYYY-MM-DD
(--leap: ngày đó thuộc tháng nhuận). Lịch tính theo múi giờ UTC+7 (UTC+8 trước năm 1968), năm 1900–2199.
Lệnh này không mở cơ sở dữ liệu.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			toSolar := fs.String("to-solar", "", "ngày âm lịch D/M/YYYY cần đổi sang dương lịch")
			leap := fs.Bool("leap", false, "ngày âm thuộc tháng nhuận")
			return func(ctx context.Context, sio stdio, args []string) error {
				if *toSolar != "" {
					if len(args) != 0 {
						return usagef("--to-solar không đi cùng ngày dương lịch")
					}
					l, err := calendar.ParseLunar(*toSolar)
					if err != nil {
						return fmt.Errorf("ngày âm lịch %q sai dạng D/M/YYYY (invalid lunar date): %w", *toSolar, err)
					}
					l.Leap = l.Leap || *leap
					d, err := calendar.LunarToSolar(l)
					if err != nil {
						return fmt.Errorf("ngày âm lịch %s không tồn tại (no such lunar date): %w", l, err)
					}
					fmt.Fprintln(sio.out, d)
					return nil
				}
				if len(args) != 1 || *leap {
					return usagef("cần đúng một ngày dương lịch YYYY-MM-DD (--leap chỉ dùng với --to-solar)")
				}
				d, err := calendar.ParseDate(args[0])
				if err != nil {
					return fmt.Errorf("ngày %q không có thật hoặc sai dạng YYYY-MM-DD (invalid date): %w", args[0], err)
				}
				l, err := calendar.SolarToLunar(d)
				if err != nil {
					return fmt.Errorf("ngày %s ngoài phạm vi 1900–2199 (out of range): %w", d, err)
				}
				fmt.Fprintf(sio.out, "%s\t%s\t%s\n", d, l, calendar.CanChi(l.Year))
				return nil
			}
		}}
}

func holidaysCmd() *command {
	return &command{name: "holidays", synopsis: "holidays [--legal] [--db DSN [--unit CODE]] YYYY",
		summary: "ngày nghỉ, ngày làm bù của một năm (days off and decreed workdays)",
		help: `In mỗi ngày thứ Hai–thứ Sáu không làm việc và mỗi ngày thứ Bảy, Chủ nhật phải làm việc của năm YYYY:
YYYY-MM-DD<TAB>loại<TAB>tên, loại là holiday (ngày lễ), compensatory (nghỉ bù), decreed-off (nghỉ theo quyết định)
hoặc decreed-workday (làm bù). Với --legal chỉ in những ngày Bộ luật Lao động quy định, không tính các quyết định.
Không có --db (hay XASO_DB), lệnh dùng dữ liệu có sẵn (luật và các quyết định toàn quốc đã biết) và không tạo tệp nào;
có --db, lệnh thêm các quyết định toàn quốc đã nhập, và với --unit cả quyết định và giờ làm việc của đơn vị đó.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			legal := fs.Bool("legal", false, "chỉ ngày nghỉ theo luật")
			unitCode := calendarFlags(fs, cfg)
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 1 {
					return usagef("cần đúng một năm YYYY")
				}
				year, err := strconv.Atoi(args[0])
				if err != nil || len(args[0]) != 4 {
					return usagef("năm %q không hợp lệ: cần dạng YYYY", args[0])
				}
				cal, err := commandCalendar(ctx, sio, fs, *cfg, *unitCode, year, year, *legal)
				if err != nil {
					return err
				}
				for _, d := range cal.Days(year) {
					weekend := d.Date.Weekday() == time.Saturday || d.Date.Weekday() == time.Sunday
					if weekend == cal.IsWorkingDay(d.Date) { // a departure from the weekly pattern
						fmt.Fprintf(sio.out, "%s\t%s\t%s\n", d.Date, d.Kind, d.Name)
					}
				}
				return nil
			}
		}}
}

func deadlineCmd() *command {
	return &command{name: "deadline", synopsis: "deadline [--db DSN [--unit CODE]] --from RFC3339 (--days N | --hours N | --procedure CODE)",
		summary: "tính hạn giải quyết theo ngày, giờ làm việc hoặc theo thủ tục (due date)",
		help: `Tính thời điểm hẹn trả: --days N là cùng giờ đó của ngày làm việc thứ N tiếp theo; --hours N là N giờ làm việc.
Hồ sơ nhận ngoài giờ hành chính được tính từ lúc mở cửa kế tiếp. In thời điểm theo RFC 3339, múi giờ +07:00.
Không có --db (hay XASO_DB), lệnh dùng lịch toàn quốc có sẵn (thứ Hai–thứ Sáu 07:30–11:30, 13:00–17:00, ngày lễ
và các quyết định đã biết) và không tạo tệp nào; có --db, thêm quyết định đã nhập, và với --unit lịch của đơn vị đó.
--procedure CODE (cần --db) in thời điểm hẹn trả mà hồ sơ của thủ tục đó tiếp nhận lúc --from sẽ có, như khi tiếp nhận:
thời hạn theo quy định (ngày làm việc, ngày theo lịch hoặc giờ làm việc), giờ chốt nhận hồ sơ của thủ tục, lịch và giờ
làm việc của đơn vị (--unit; mặc định đơn vị chính của cổng).`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			unitCode := calendarFlags(fs, cfg)
			from := fs.String("from", "", "thời điểm tiếp nhận, RFC 3339, ví dụ 2026-03-02T09:00:00+07:00")
			days := fs.Int("days", -1, "số ngày làm việc")
			hours := fs.Int("hours", -1, "số giờ làm việc")
			procedure := fs.String("procedure", "", "mã thủ tục: tính theo thời hạn và giờ chốt của thủ tục (cần --db)")
			return func(ctx context.Context, sio stdio, args []string) error {
				given := 0
				for _, g := range []bool{*days >= 0, *hours >= 0, *procedure != ""} {
					if g {
						given++
					}
				}
				if len(args) != 0 || *from == "" || given != 1 {
					if *days < -1 || *hours < -1 {
						return usagef("số ngày, số giờ không được âm")
					}
					return usagef("cần --from và đúng một trong --days, --hours, --procedure")
				}
				t, err := time.Parse(time.RFC3339, *from)
				if err != nil {
					return usagef("--from %q: cần dạng RFC 3339, ví dụ 2026-03-02T09:00:00+07:00", *from)
				}
				var due time.Time
				if *procedure != "" {
					if due, err = procedureDeadline(ctx, sio, fs, *cfg, *unitCode, *procedure, t); err != nil {
						return err
					}
				} else {
					y := t.In(locale.Zone).Year()
					cal, err := commandCalendar(ctx, sio, fs, *cfg, *unitCode, y, y+2, false)
					if err != nil {
						return err
					}
					if *days >= 0 {
						due, err = cal.AddWorkingDays(t, *days)
					} else {
						due, err = cal.AddWorkingHours(t, time.Duration(*hours)*time.Hour)
					}
					if err != nil {
						return err
					}
				}
				fmt.Fprintln(sio.out, due.In(locale.Zone).Format(time.RFC3339))
				return nil
			}
		}}
}

// procedureDeadline is the appointment a dossier of procedure code received at t would
// get in the unit (unitCode, or the portal's home unit): the procedure in force in the
// unit's catalog, on the unit's calendar, by the same rule as intake (dossier.DueAt).
func procedureDeadline(ctx context.Context, sio stdio, fs *flag.FlagSet, cfg config.Config, unitCode, code string, t time.Time) (time.Time, error) {
	dbGiven := sio.getenv("XASO_DB") != ""
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if !dbGiven {
		return time.Time{}, usagef("--procedure cần --db: thủ tục nằm trong danh mục của đơn vị")
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return time.Time{}, fmt.Errorf("không mở được cơ sở dữ liệu %s (cannot open the database): %w", config.MaskDSN(cfg.DB), err)
	}
	defer st.Close()
	var u unit.Unit
	if unitCode != "" {
		u, err = st.UnitByCode(ctx, unitCode)
	} else {
		u, err = homeUnit(ctx, st)
		if err == nil && u.ID == 0 {
			err = unit.ErrNotFound
		}
	}
	if err != nil {
		return time.Time{}, err
	}
	_, proc, err := st.PublishedProcedureVersion(ctx, u.ID, code)
	if err != nil {
		return time.Time{}, fmt.Errorf("thủ tục %s trong danh mục của %s (procedure): %w", code, u.Name, err)
	}
	cal, err := workcal.New(st).For(ctx, u.ID)
	if err != nil {
		return time.Time{}, err
	}
	return dossier.DueAt(dossier.Rules{Procedure: proc, Calendar: cal}, t)
}

// calendarFlags registers --db and --unit; the calendar commands open a database only
// when one is named.
func calendarFlags(fs *flag.FlagSet, cfg *config.Config) *string {
	fs.StringVar(&cfg.DB, "db", cfg.DB, "cơ sở dữ liệu chứa các quyết định đã nhập (env XASO_DB); không có thì dùng dữ liệu có sẵn")
	return fs.String("unit", "", "mã đơn vị: dùng lịch và giờ làm việc của đơn vị (cần --db)")
}

// commandCalendar returns the calendar a command works on: the built-in national one,
// or, when a database is named (--db or XASO_DB), the stored one of the nation or of
// --unit. Years outside from..to may be missing from the built-in calendar.
func commandCalendar(ctx context.Context, sio stdio, fs *flag.FlagSet, cfg config.Config, unitCode string, from, to int, legalOnly bool) (*calendar.Calendar, error) {
	dbGiven := sio.getenv("XASO_DB") != ""
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if !dbGiven || legalOnly {
		if unitCode != "" && !legalOnly {
			return nil, usagef("--unit cần --db")
		}
		return nationalCalendar(from, to, legalOnly)
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("không mở được cơ sở dữ liệu %s (cannot open the database): %w", config.MaskDSN(cfg.DB), err)
	}
	defer st.Close()
	cals := workcal.New(st)
	if unitCode == "" {
		return cals.National(ctx)
	}
	u, err := st.UnitByCode(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	return cals.For(ctx, u.ID)
}

// nationalCalendar compiles the built-in national calendar of the years, with or without
// the shipped decisions.
func nationalCalendar(from, to int, legalOnly bool) (*calendar.Calendar, error) {
	if from < calendar.MinYear || to > calendar.MaxYear {
		return nil, fmt.Errorf("năm ngoài phạm vi %d–%d (year out of range)", calendar.MinYear, calendar.MaxYear)
	}
	if !legalOnly {
		return calendar.Default(from, to)
	}
	var days []calendar.Day
	for y := from; y <= to; y++ {
		h, err := calendar.LegalHolidays(y)
		if err != nil {
			return nil, err
		}
		days = append(days, h...)
	}
	return calendar.Compile(days, calendar.DefaultOfficeHours(), from, to)
}
