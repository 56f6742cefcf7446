package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/store"
)

// The demo's community (DOMAIN.md §12): the seed's 12 villages, each with its leader and
// its households and people counted at the end of 2021, fibre in all twelve ("12/12
// villages connected"), and a community digital technology team of three members in
// each (36 in all, joined in 2021; the demo's volunteer "tocongnghe" is one of them, in
// the first village), each trained in 2021 and the first of each team again in 2022 with
// a certificate. The counts and names are illustrative.

// VillageCounts are the demo villages' households and people (31/12/2021).
var VillageCounts = [][2]int{{412, 1598}, {356, 1372}, {298, 1141}, {331, 1276}, {275, 1043}, {389, 1502},
	{264, 1011}, {301, 1167}, {342, 1318}, {287, 1109}, {318, 1226}, {367, 1415}}

// CountSource is where the demo's counts come from.
const CountSource = "Báo cáo của trưởng thôn, tổng hợp ngày 31/12/2021"

// TeamMembers is how many members the demo's teams have in all (three per village).
const TeamMembers = 36

var villageLeaders = []string{"Phạm Văn Hùng", "Nguyễn Văn Tâm", "Đinh Văn Sơn", "Trần Văn Lợi", "Bùi Văn Thắng", "Lê Văn Hải",
	"Vũ Văn Bình", "Hoàng Văn Thịnh", "Đặng Văn Phúc", "Ngô Văn Lâm", "Phạm Văn Tuấn", "Trương Văn Hòa"}

var memberNames = []string{"Nguyễn Thị", "Trần Văn", "Lê Thị", "Phạm Văn", "Hoàng Thị", "Vũ Văn"}
var memberGiven = []string{"Hà", "Nam", "Linh", "Quang", "Mai", "Đức", "Thảo", "Long", "Yến", "Khánh", "Hương", "Trung"}

func demoCommunity(ctx context.Context, st *store.Store, commune int64, volunteer *auth.Principal, hash string) error {
	vs, err := st.CommunityVillages(ctx, commune)
	if err != nil {
		return err
	}
	end2021 := calendar.NewDate(2021, time.December, 31)
	for i, v := range vs {
		v.Kind, v.Leader = community.KindThon, villageLeaders[i%len(villageLeaders)]
		if err := st.SetVillageProfile(ctx, v); err != nil {
			return err
		}
		c := VillageCounts[i%len(VillageCounts)]
		if _, err := st.AddVillageCount(ctx, community.Count{VillageID: v.ID, AsOf: end2021, Households: c[0], People: c[1],
			Source: CountSource}, 0); err != nil {
			return err
		}
		if _, err := st.AddCoverage(ctx, community.Coverage{VillageID: v.ID, Kind: community.CoverFibre, Available: true,
			AsOf: end2021, Source: "Báo cáo chuyển đổi số của xã năm 2021"}, 0); err != nil {
			return err
		}
		if _, err := st.AddCoverage(ctx, community.Coverage{VillageID: v.ID, Kind: community.CoverMobile, Available: true,
			AsOf: end2021, Source: "Báo cáo chuyển đổi số của xã năm 2021"}, 0); err != nil {
			return err
		}
		for j := range 3 {
			n := i*3 + j
			userID := volunteer.UserID
			if n > 0 {
				name := fmt.Sprintf("%s %s", memberNames[n%len(memberNames)], memberGiven[(n/len(memberNames)+n)%len(memberGiven)])
				if userID, err = st.CreateUser(ctx, auth.User{Username: fmt.Sprintf("tcn%02d", n+1), FullName: name, PasswordHash: hash},
					[]auth.Membership{{UnitID: commune, Role: auth.RoleDigitalTeam}}); err != nil {
					return fmt.Errorf("demo: team member: %w", err)
				}
			}
			joined := calendar.NewDate(2021, time.Month(3+j), 1+i)
			m, err := st.AddMember(ctx, commune, community.Member{VillageID: v.ID, UserID: userID,
				Phone: fmt.Sprintf("09%08d", 12345000+n), Joined: joined})
			if err != nil {
				return err
			}
			if _, err := st.AddTraining(ctx, commune, community.Training{MemberID: m.ID, Course: "Tập huấn kỹ năng số cho tổ công nghệ số cộng đồng",
				Held: calendar.NewDate(2021, time.June, 15)}); err != nil {
				return err
			}
			// The team's first member of each village went on to the province's course,
			// with a certificate (shown with their trainings on /office/thon).
			if j == 0 {
				if _, err := st.AddTraining(ctx, commune, community.Training{MemberID: m.ID, Course: "Bồi dưỡng kỹ năng hỗ trợ dịch vụ công trực tuyến",
					Held: calendar.NewDate(2022, time.April, 20), Certificate: fmt.Sprintf("%03d/2022/CN-STTTT", i+1)}); err != nil {
					return err
				}
			}
		}
	}
	// The seed's 2021 figures, as the commune reported them.
	for _, v := range []struct {
		id    string
		value float64
	}{{"villages_connected", 12}, {"team_members", TeamMembers}, {"app_installs", 1200}, {"smartphone_share", 70}, {"telehealth_share", 30}} {
		if err := st.AddDXValue(ctx, community.DXValue{UnitID: commune, Indicator: v.id, Year: 2021, Value: v.value, Source: DXSource,
			AsOf: end2021}, 0); err != nil {
			return err
		}
	}
	// Installs the citizen app counted itself in 2021: the village it was set up for
	// (every thirteenth without one).
	for k := range DemoInstalls {
		in := community.Install{IDHash: community.InstallHash(fmt.Sprintf("demo-install-%04d", k)), UnitID: commune,
			At: time.Date(2021, time.Month(k%12+1), k%28+1, 2+k%10, 0, 0, 0, time.UTC)}
		if k%13 < len(vs) {
			in.VillageID = vs[k%13].ID
		}
		if _, err := st.RecordInstall(ctx, in); err != nil {
			return err
		}
	}
	return nil
}

// DemoInstalls is how many app installs the demo's app counted in 2021.
const DemoInstalls = 96

// DXSource is the source of the demo's 2021 manual indicator values.
const DXSource = "Báo cáo kết quả chuyển đổi số năm 2021 của UBND xã Yên Từ"
