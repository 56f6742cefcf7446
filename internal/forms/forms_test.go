package forms

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/testtool"
)

var (
	update = flag.Bool("update", false, "rewrite testdata/*.golden from the rendered PDFs")
	outDir = flag.String("out", "", "also write the rendered PDFs and pages to this directory, to look at them")
)

func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, locale.Zone)
}

var (
	desk = Header{Parent: "Ủy ban nhân dân xã Yên Từ", Place: "Yên Từ"}
	// committee is the unit itself, issuing the letters its chairman signs.
	committee = Header{Issuer: "Ủy ban nhân dân xã Yên Từ", Place: "Yên Từ"}
	anh       = Person{
		Name:    "Nguyễn Thị Ngọc Ánh",
		Address: "Thôn Nam Mẫu, xã Yên Từ, tỉnh Quảng Ninh",
		Phone:   "0912 345 678",
		Email:   "ngocanh@example.vn",
	}
	chairman = Signer{Title: []string{"TM. Ủy ban nhân dân", "Chủ tịch"}, Name: "Hoàng Minh Đức"}
)

const code = "000.00.12.H45-261126-0007"

func receipt(t testing.TB) Receipt {
	t.Helper()
	png, err := qr.PNG("https://yentu.xaso.vn/tra-cuu/"+code+"?secret=K7M2-Q9TX", qr.PrintSize)
	if err != nil {
		t.Fatal(err)
	}
	return Receipt{
		Unit:      desk,
		Code:      code,
		QR:        png,
		Applicant: anh,
		Request:   "Đăng ký khai sinh",
		Papers: []Paper{
			{Name: "Tờ khai đăng ký khai sinh", Form: "Bản chính", Quantity: 1},
			{Name: "Giấy chứng sinh", Form: "Bản chính", Quantity: 1},
			{Name: "Giấy chứng nhận kết hôn của cha, mẹ", Form: "Bản sao", Quantity: 1},
			{Name: "Văn bản ủy quyền (trường hợp ủy quyền đăng ký khai sinh)", Form: "Bản chính", Quantity: 1},
		},
		Sets:         1,
		LegalTime:    "01 ngày làm việc",
		ReceivedAt:   at(11, 26, 9, 15),
		DueAt:        at(11, 27, 16, 30),
		ReturnPlace:  "Bộ phận Tiếp nhận và Trả kết quả xã Yên Từ",
		Fees:         []Fee{{Name: "Phí cấp bản sao trích lục hộ tịch (02 bản)", Amount: 16000}},
		RegisterBook: "01/2026",
		RegisterNo:   "1287",
		Officer:      "Trần Văn Bình",
	}
}

// feeReceipt is an electronic fee receipt's view, of two fees paid by transfer.
func feeReceipt(t testing.TB) FeeReceipt {
	t.Helper()
	png, err := qr.PNG("https://yentu.xaso.vn/tra-cuu/"+code+"?secret=K7M2-Q9TX", qr.PrintSize)
	if err != nil {
		t.Fatal(err)
	}
	return FeeReceipt{
		Name: "BIÊN LAI THU PHÍ, LỆ PHÍ", Template: "EBL01", Series: "26T", Number: "00000012", IssuedAt: at(11, 26, 9, 20),
		Collector:   Collector{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "2700123456", Address: "Xã Yên Từ, tỉnh Quảng Ninh"},
		Payer:       Person{Name: anh.Name},
		DossierCode: code, Reference: "XS261126000719H", Method: "Chuyển khoản (ngân hàng thông báo)",
		Fees:   []Fee{{Name: "Lệ phí đăng ký khai sinh", Amount: 8000}, {Name: "Phí cấp bản sao trích lục hộ tịch (02 bản)", Amount: 16000}},
		Total:  24000,
		QR:     png,
		Basis:  []string{"Nghị định 254/2026/NĐ-CP", "Thông tư 91/2026/TT-BTC"},
		Signed: "Ủy ban nhân dân xã Yên Từ",
	}
}

// longReceipt has thirty papers, an organisation with a long name, and several fees.
func longReceipt(t testing.TB) Receipt {
	r := receipt(t)
	r.Applicant = Person{
		Name:    "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại và Dịch vụ Nông sản sạch Yên Tử Đông Triều",
		Address: "Số 18, đường Trần Nhân Tông, tổ dân phố Nam Mẫu 2, xã Yên Từ, tỉnh Quảng Ninh (cạnh Trạm y tế xã)",
		Phone:   "0203 3812 345",
	}
	r.Request = "Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm nông, lâm, thủy sản"
	r.Papers = nil
	for i := 1; i <= 30; i++ {
		r.Papers = append(r.Papers, Paper{
			Name:     fmt.Sprintf("Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp sản xuất, kinh doanh thực phẩm số %d", i),
			Form:     "Bản sao có chứng thực",
			Quantity: 1 + i%3,
		})
	}
	r.Sets = 2
	r.LegalTime = "15 ngày làm việc"
	r.DueAt = at(12, 17, 16, 30)
	r.Fees = []Fee{
		{Name: "Phí thẩm định cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm", Amount: 700000},
		{Name: "Phí thẩm định điều kiện vệ sinh đối với cơ sở nhỏ lẻ", Amount: 505000},
	}
	return r
}

func supplement() Supplement {
	return Supplement{
		Unit:      desk,
		Number:    "15/PYCBS",
		Code:      code,
		IssuedAt:  at(11, 26, 9, 40),
		Applicant: anh,
		Request:   "Đăng ký khai sinh",
		Items: []Requirement{
			{Paper: "Giấy chứng sinh", Detail: "Nộp bản chính; bản đã nộp là bản chụp không có chứng thực"},
			{Paper: "Tờ khai đăng ký khai sinh", Detail: "Ghi đầy đủ quê quán của người mẹ theo giấy tờ tùy thân"},
		},
		Reason:  "Hồ sơ chưa đầy đủ thành phần theo quy định tại Điều 16 Luật Hộ tịch.",
		Contact: "công chức Tư pháp - Hộ tịch Lê Thị Hồng Nhung, số điện thoại 0203 3812 345",
		Officer: "Trần Văn Bình",
	}
}

func refusal() Refusal {
	return Refusal{
		Unit:     desk,
		IssuedAt: at(11, 26, 10, 5),
		Applicant: Person{
			Name:    "Phạm Đức Huy",
			Address: "Phường Hạ Long, tỉnh Quảng Ninh",
			Phone:   "0987 654 321",
		},
		Request: "Đăng ký kết hôn",
		Reason: "Việc đăng ký kết hôn không thuộc thẩm quyền của Ủy ban nhân dân xã Yên Từ vì cả hai bên nam, nữ " +
			"đều không cư trú tại xã; đề nghị Ông/Bà nộp hồ sơ tại Ủy ban nhân dân nơi cư trú của một trong hai bên",
		Officer: "Trần Văn Bình",
	}
}

func apology() Apology {
	return Apology{
		Unit:       committee,
		Number:     "102/UBND-VP",
		IssuedAt:   at(11, 23, 15, 0),
		Applicant:  anh,
		Code:       "000.00.12.H45-261120-0003",
		Request:    "Chứng thực hợp đồng chuyển nhượng quyền sử dụng đất",
		ReceivedAt: at(11, 20, 9, 0),
		DueAt:      at(11, 24, 16, 30),
		Reason:     "Hồ sơ cần xác minh thông tin về thửa đất tại Văn phòng đăng ký đất đai tỉnh",
		NewDueAt:   at(12, 1, 16, 30),
		Signer:     chairman,
		Recipients: []string{"Như trên;", "Bộ phận Tiếp nhận và Trả kết quả;", "Lưu: VT."},
	}
}

func stopNotice() StopNotice {
	return StopNotice{
		Unit:       committee,
		Number:     "07/TB-UBND",
		IssuedAt:   at(11, 26, 14, 0),
		Applicant:  anh,
		Code:       "000.00.12.H45-261118-0011",
		Request:    "Đăng ký biến động quyền sử dụng đất",
		ReceivedAt: at(11, 18, 8, 30),
		LegalBasis: "đơn đề nghị dừng giải quyết hồ sơ của Ông/Bà ngày 25/11/2026",
		Reason:     "Người nộp hồ sơ đề nghị rút hồ sơ để bổ sung giấy tờ chứng minh nguồn gốc đất",
		Refund:     50000,
		Signer:     chairman,
		Recipients: []string{"Như trên;", "Lưu: VT."},
	}
}

func controlSlip() ControlSlip {
	return ControlSlip{
		Unit:       desk,
		Code:       code,
		Applicant:  anh,
		Request:    "Đăng ký khai sinh",
		Competent:  "Ủy ban nhân dân xã Yên Từ",
		ReceivedAt: at(11, 26, 9, 15),
		DueAt:      at(11, 27, 16, 30),
		HandOvers: []HandOver{
			{From: "Bộ phận Tiếp nhận và Trả kết quả", To: "Công chức Tư pháp - Hộ tịch", At: at(11, 26, 9, 20),
				Giver: "Trần Văn Bình", Receiver: "Lê Thị Hồng Nhung", Result: "Đúng hạn"},
			{From: "Công chức Tư pháp - Hộ tịch", To: "Lãnh đạo Ủy ban nhân dân xã", At: at(11, 26, 14, 0),
				Giver: "Lê Thị Hồng Nhung", Receiver: "Hoàng Minh Đức", Result: "Trước hạn", Note: "Trình ký"},
		},
		BlankRows: 2,
	}
}

func register() Register {
	r := Register{Unit: desk, Book: "01/2026", From: at(11, 1, 0, 0), To: at(11, 30, 0, 0)}
	names := []string{"Nguyễn Thị Ngọc Ánh", "Phạm Đức Huy", "Vũ Thị Thu Hằng", "Đặng Quốc Việt", "Bùi Thị Ngân"}
	procs := []string{"Đăng ký khai sinh", "Đăng ký kết hôn", "Chứng thực bản sao từ bản chính",
		"Cấp bản sao trích lục hộ tịch", "Đăng ký biến động quyền sử dụng đất"}
	for i := range 40 {
		received := at(11, 2+i%27, 8+i%8, 5*(i%12))
		e := RegisterEntry{
			Code:       fmt.Sprintf("000.00.12.H45-2611%02d-%04d", 2+i%27, i+1),
			Procedure:  procs[i%len(procs)],
			Sets:       1,
			Applicant:  names[i%len(names)],
			Contact:    fmt.Sprintf("Thôn Nam Mẫu %d, xã Yên Từ; 0912 345 %03d", 1+i%4, i),
			Competent:  "UBND xã Yên Từ",
			ReceivedAt: received,
			DueAt:      received.AddDate(0, 0, 3),
		}
		if i%3 != 2 {
			e.TransferredAt = received.Add(time.Hour)
			e.ResolvedAt = received.AddDate(0, 0, 2)
			e.ReturnedAt = received.AddDate(0, 0, 2).Add(2 * time.Hour)
		}
		if i%7 == 0 {
			e.Note = "Trả qua dịch vụ bưu chính"
		}
		r.Entries = append(r.Entries, e)
	}
	return r
}

// printable is what every form is.
type printable interface {
	PDF(io.Writer) error
	HTML(io.Writer) error
}

type formCase struct {
	name      string
	title     string // the page's <title> starts with it
	form      printable
	landscape bool
	minPages  int
	want      []string // in the extracted text, spaces collapsed
}

func formCases(t testing.TB) []formCase {
	return []formCase{
		{name: "01-receipt", title: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", form: receipt(t), minPages: 1, want: []string{
			"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: " + code, "Nguyễn Thị Ngọc Ánh", "Đăng ký khai sinh",
			"ỦY BAN NHÂN DÂN XÃ YÊN TỪ", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
			"Độc lập - Tự do - Hạnh phúc", "Yên Từ, ngày 26 tháng 11 năm 2026",
			"16 giờ 30 phút, ngày 27/11/2026", "16.000 đồng (Mười sáu nghìn đồng)", "NGƯỜI NỘP HỒ SƠ",
			"NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Trần Văn Bình", "Quyển số: 01/2026",
		}},
		{name: "01-receipt-30-papers", title: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", form: longReceipt(t), minPages: 2, want: []string{
			code, "Công ty Trách nhiệm hữu hạn Một thành viên", "thực phẩm số 30", "thực phẩm số 1",
			"700.000 đồng (Bảy trăm nghìn đồng)", "505.000 đồng (Năm trăm linh năm nghìn đồng)",
			"1.205.000 đồng (Một triệu hai trăm linh năm nghìn đồng)",
		}},
		{name: "08-fee-receipt", title: "BIÊN LAI THU PHÍ, LỆ PHÍ EBL01 26T số 00000012", form: feeReceipt(t), minPages: 1, want: []string{
			"BIÊN LAI THU PHÍ, LỆ PHÍ", "Ký hiệu mẫu: EBL01 · Ký hiệu: 26T · Số: 00000012", "Đơn vị thu: Ủy ban nhân dân xã Yên Từ",
			"Mã số thuế: 2700123456", "Người nộp: Nguyễn Thị Ngọc Ánh", "Lệ phí đăng ký khai sinh", "Phí cấp bản sao trích lục",
			"Tổng số tiền: 24.000 đồng", "Số tiền bằng chữ: Hai mươi tư nghìn đồng", "XS261126000719H",
			"Đã ký số bởi Ủy ban nhân dân xã Yên Từ", "Nghị định 254/2026/NĐ-CP",
		}},
		{name: "02-supplement", title: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", form: supplement(), minPages: 1, want: []string{
			"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 15/PYCBS", code, "Nguyễn Thị Ngọc Ánh",
			"Giấy chứng sinh", "Điều 16 Luật Hộ tịch", "Lê Thị Hồng Nhung", "NGƯỜI HƯỚNG DẪN",
		}},
		{name: "03-refusal", title: "Phiếu từ chối tiếp nhận giải quyết hồ sơ", form: refusal(), minPages: 1, want: []string{
			"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Phạm Đức Huy", "Đăng ký kết hôn",
			"không thuộc thẩm quyền", "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
		}},
		{name: "04-apology", title: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", form: apology(), minPages: 1, want: []string{
			"VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN", "Số: 102/UBND-VP", "Kính gửi: Ông/Bà Nguyễn Thị Ngọc Ánh",
			"000.00.12.H45-261120-0003", "16 giờ 30 phút, ngày 01/12/2026", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
			"Hoàng Minh Đức", "Nơi nhận:", "Yên Từ, ngày 23 tháng 11 năm 2026",
		}},
		{name: "05-stop", title: "Thông báo dừng giải quyết hồ sơ", form: stopNotice(), minPages: 1, want: []string{
			"THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Số: 07/TB-UBND", "000.00.12.H45-261118-0011",
			"50.000 đồng (Năm mươi nghìn đồng)", "Hoàng Minh Đức",
		}},
		{name: "06-control", title: "Phiếu kiểm soát quá trình giải quyết hồ sơ", form: controlSlip(), minPages: 1, want: []string{
			"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", code, "Lê Thị Hồng Nhung", "Đúng hạn", "Trước hạn",
			"Người giao: Trần Văn Bình",
		}},
		{name: "07-register", title: "Sổ theo dõi hồ sơ", form: register(), landscape: true, minPages: 2, want: []string{
			"SỔ THEO DÕI HỒ SƠ", "261102-0001", "261114-0040", "Đặng Quốc Việt", // codes break at a hyphen
			"Từ ngày 01/11/2026 đến ngày 30/11/2026", "Ngày, tháng, năm",
		}},
		{name: "report", title: "BÁO CÁO TÌNH HÌNH", form: statistics(), landscape: true, minPages: 1, want: []string{
			"BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT", "Xã Yên Từ, từ ngày 01/01/2021 đến ngày 31/12/2021",
			"Số hồ sơ tiếp nhận", "Hộ tịch", "Tổng cộng", "2.094", "Tỷ lệ hồ sơ trực tuyến: 26,1%",
		}},
	}
}

// statistics is a one-stop report as internal/printing fills it, with Yên Từ's 2021.
func statistics() Statistics {
	cols := []StatisticsColumn{{Head: "Lĩnh vực", Width: 36}}
	for _, h := range []string{"Tổng số", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước chuyển sang", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn"} {
		cols = append(cols, StatisticsColumn{Head: h, Width: 13.5, Numeric: true})
	}
	return Statistics{
		Unit:     Header{Parent: "ỦY BAN NHÂN DÂN XÃ YÊN TỪ", Place: "Yên Từ"},
		Title:    "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT\nHỒ SƠ THỦ TỤC HÀNH CHÍNH",
		Subtitle: "Xã Yên Từ, từ ngày 01/01/2021 đến ngày 31/12/2021",
		Cols:     cols,
		Groups:   []StatisticsGroup{{Title: "Số hồ sơ tiếp nhận", First: 1, Last: 5}, {Title: "Số hồ sơ đã giải quyết", First: 6, Last: 9}},
		Rows: [][]string{
			{"Hộ tịch", "1.518", "419", "1.099", "0", "0", "1.518", "675", "843", "0"},
			{"Chứng thực", "576", "128", "448", "0", "0", "576", "244", "332", "0"},
			{"Tổng cộng", "2.094", "547", "1.547", "0", "0", "2.094", "919", "1.175", "0"},
		},
		Notes: []string{"Tỷ lệ hồ sơ trực tuyến: 26,1% số hồ sơ tiếp nhận trong kỳ."},
		Date:  at(time.December, 31, 17, 0).AddDate(-5, 0, 0),
	}
}

// TestPDF renders every form, compares the text pdftotext extracts with the golden
// files (go test -update rewrites them), and checks the text and the page size.
func TestPDF(t *testing.T) {
	testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	for _, tc := range formCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tc.form.PDF(&buf); err != nil {
				t.Fatal(err)
			}
			path := writeOut(t, tc.name+".pdf", buf.Bytes())

			layout := run(t, "pdftotext", "-layout", path, "-")
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(layout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if layout != string(want) {
				t.Errorf("text differs from %s (go test -update rewrites it):\n%s", golden, diff(string(want), layout))
			}

			text := collapse(run(t, "pdftotext", path, "-"))
			for _, s := range tc.want {
				if !strings.Contains(text, s) {
					t.Errorf("extracted text lacks %q", s)
				}
			}

			pages, w, h := pageSize(t, path)
			wantW, wantH := 148.0, 210.0
			if tc.landscape {
				wantW, wantH = 297, 210
			}
			if !near(w, wantW) || !near(h, wantH) {
				t.Errorf("page %.1f × %.1f mm, want %.0f × %.0f", w, h, wantW, wantH)
			}
			if pages < tc.minPages {
				t.Errorf("%d pages, want at least %d", pages, tc.minPages)
			}
		})
	}
}

// TestPDFDeterministic: the same form renders to the same bytes, so that a stored
// slip can be compared and signed copies are reproducible.
func TestPDFDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	r := receipt(t)
	if err := r.PDF(&a); err != nil {
		t.Fatal(err)
	}
	if err := r.PDF(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two renderings of the same receipt differ")
	}
}

func TestBadQR(t *testing.T) {
	r := receipt(t)
	r.QR = []byte("GIF89a not a png")
	if err := r.PDF(io.Discard); err != ErrQRNotPNG {
		t.Errorf("PDF: err = %v, want ErrQRNotPNG", err)
	}
	if err := r.HTML(io.Discard); err != ErrQRNotPNG {
		t.Errorf("HTML: err = %v, want ErrQRNotPNG", err)
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

var pageSizeRE = regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`)

// pageSize reads the page count and the first page's size in mm with pdfinfo.
func pageSize(t *testing.T, path string) (pages int, w, h float64) {
	t.Helper()
	info := run(t, "pdfinfo", path)
	m := pageSizeRE.FindStringSubmatch(info)
	p := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil || p == nil {
		t.Fatalf("pdfinfo: no page size or count in:\n%s", info)
	}
	pages, _ = strconv.Atoi(p[1])
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	return pages, w / ptMMInv, h / ptMMInv
}

const ptMMInv = 72 / 25.4 // points in a millimetre

func near(a, b float64) bool { return a > b-0.1 && a < b+0.1 }

// collapse joins the lines of extracted text and collapses runs of spaces, so that a
// phrase wrapped or justified differently is still found.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// writeOut writes a rendered file to a temporary directory, and to -out when given.
func writeOut(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// diff shows the first differing lines of two texts.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\n got %q", i+1, a, b)
		}
	}
	return "(same lines; different line endings)"
}
