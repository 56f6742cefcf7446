package web

// The audit log's words for the QR forms (issue 23; docs/QRFORMS.md). A purge's record
// names its counts (answers=N, files=M), never a value.
func init() {
	for k, v := range map[string]string{
		"qrform.create":  "Biểu mẫu QR: tạo bản nháp",
		"qrform.update":  "Biểu mẫu QR: sửa",
		"qrform.publish": "Biểu mẫu QR: phát hành",
		"qrform.answer":  "Biểu mẫu QR: nhận câu trả lời (có đồng ý xử lý dữ liệu)",
		"qrform.purge":   "Biểu mẫu QR: xóa câu trả lời hết thời hạn lưu",
	} {
		auditActions[k] = v
	}
	auditObjects["qr_form"] = "Biểu mẫu QR"
	auditObjects["qr_answer"] = "Câu trả lời biểu mẫu QR"
}
