package web

// The audit log's words for the commune's products and their batches (docs/PRODUCTS.md).
func init() {
	for k, v := range map[string]string{
		"product.create": "Thêm sản phẩm OCOP",
		"product.update": "Sửa thông tin sản phẩm OCOP",
		"product.photo":  "Thêm ảnh sản phẩm",
		"product.batch":  "Thêm lô sản phẩm (mã truy xuất)",
	} {
		auditActions[k] = v
	}
	auditObjects["product"] = "Sản phẩm"
	auditObjects["product_batch"] = "Lô sản phẩm"
}
