package e2e

import (
	"fmt"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
)

// adminEditsProcedure: the unit administrator finds the birth registration in the catalog,
// changes the processing-time note citizens read, saves and publishes it as a new
// version; the public procedure page shows the new text at once.
func adminEditsProcedure(b *tab) {
	const note = "Trong ngày làm việc; hồ sơ nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo."
	b.logIn("quantri", demo.Password, "/admin")
	b.step("open the catalog tab", follow(`header nav.tabs a[href="/admin/procedures"]`), atPath("/admin/procedures"))
	b.step("search for the birth registration", typeInto("#q", "khai sinh"), follow(`form[action="/admin/procedures"] button`),
		hasTextContaining("main", "1.001193"))
	b.step("open its editor", follow(`a[href="/admin/procedures/1.001193/edit"]`), atPath("/admin/procedures/1.001193/edit"),
		noSideScroll())
	// Filled in at once: typing key by key into the long editor takes seconds per word on
	// a busy 2-core machine.
	b.step("change the processing-time note", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector("#legal_time_note").value = %q`, note)),
		hasValue("#legal_time_note", note))
	b.step("save and publish", follow("#publish"), hasTextPrefix("p.flash", "Đã công bố phiên bản 2 của thủ tục 1.001193"), b.keep("published"))
	b.step("see the new note on the public page", b.open("/thu-tuc/1.001193"), hasTextContaining("main", note), noSideScroll())
	b.step("see the new version in force and the first kept", b.open("/admin/procedures/1.001193/versions"),
		hasText("tbody tr:first-child td.key", "Phiên bản 2"), hasText("tbody tr:last-child td.key", "Phiên bản 1"),
		hasText("tbody tr:last-child .badge", "Đã thay thế"))
}
