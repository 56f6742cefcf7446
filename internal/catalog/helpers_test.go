package catalog

import (
	"errors"
	"strings"
	"testing"
)

// validProcedure returns a fresh procedure that passes ValidateForPublish: a
// three-day procedure with an online form, the shape most tests start from.
func validProcedure() Procedure {
	online := int64(0)
	return Procedure{
		Code:              "1.004873",
		Name:              "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
		Field:             Field{Code: "ho-tich", Name: "Hộ tịch"},
		ImplementingLevel: LevelCommune,
		CompetentLevel:    LevelCommune,
		LegalTime:         Duration{Value: 3, Unit: Days},
		Fees:              []Fee{{Name: "Lệ phí", Amount: 5000, OnlineAmount: &online, Per: "trường hợp"}},
		Papers: []Paper{{Name: "Tờ khai", Form: PaperOriginal, Quantity: 1, Required: true,
			Template: "to-khai.docx"}},
		Result:      ResultBoth,
		OnlineLevel: OnlineFull,
		LegalBasis:  []string{"Luật Hộ tịch số 60/2014/QH13"},
		Form: []FormField{
			{Name: "subject_name", Label: "Họ, chữ đệm, tên", Type: FieldText, Required: true, MaxLength: 20},
			{Name: "birth_date", Label: "Ngày sinh", Type: FieldDate, Required: true},
			{Name: "subject_id", Label: "Số định danh cá nhân", Type: FieldIDNumber, Required: true},
			{Name: "purpose", Label: "Mục đích", Type: FieldChoice, Required: true, Options: []string{"Đăng ký kết hôn", "Mục đích khác"}},
			{Name: "copies", Label: "Số bản", Type: FieldNumber},
			{Name: "phone", Label: "Số điện thoại", Type: FieldPhone, Required: true},
			{Name: "email", Label: "Thư điện tử", Type: FieldEmail},
		},
		Workflow: Workflow{Steps: []Step{
			{Name: "Tiếp nhận hồ sơ", Role: "counter", BudgetHours: 2, Actions: []Action{ActionForward, ActionRequestSupplement, ActionRefuse}},
			{Name: "Chuyên viên thẩm định", Role: "specialist", BudgetHours: 16, Actions: []Action{ActionForward, ActionSendBack}},
			{Name: "Lãnh đạo ký", Role: "leader", BudgetHours: 4, Actions: []Action{ActionApprove, ActionSign, ActionSendBack}},
			{Name: "Trả kết quả", Role: "counter", BudgetHours: 2, Actions: []Action{ActionReturnResult}},
		}},
		Version: 1,
		Status:  StatusPublished,
		Sources: []Source{{URL: "https://dichvucong.gov.vn/", Note: "Cổng DVCQG"}},
	}
}

// problemsOf returns the problems err carries, failing the test when it carries none.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not wrap ErrInvalid", err)
	}
	return ve.Problems
}

// hasProblem reports whether a problem has the path and a message containing msg.
func hasProblem(ps []Problem, path, msg string) bool {
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Message, msg) {
			return true
		}
	}
	return false
}
