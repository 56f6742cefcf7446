package web

// The audit log's words for official documents signed inside xaso and exchanged through
// the exchange platform (issue 19; docs/EXCHANGE.md).
func init() {
	for k, v := range map[string]string{
		"document.pdf_attached":    "Văn bản đi: đính kèm tệp PDF dự thảo",
		"document.annex_attached":  "Văn bản đi: đính kèm phụ lục",
		"document.signed":          "Văn bản đi: lãnh đạo ký số",
		"document.sealed":          "Văn bản đi: văn thư đóng dấu số của cơ quan",
		"document.exchange_status": "Văn bản: nhận trạng thái qua trục liên thông",
		"document.recall_answered": "Văn bản đến: trả lời đề nghị thu hồi",
		"exchange.send":            "Trục liên thông: xếp gói tin chờ gửi",
		"exchange.receive":         "Trục liên thông: nhận gói tin",
	} {
		auditActions[k] = v
	}
	auditObjects["exchange_message"] = "Gói tin liên thông"
}
