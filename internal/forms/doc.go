// Package forms renders the seven forms of the one-stop desk (Circular 03/2025/TT-VPCP,
// Appendix I) as PDF and as printable HTML:
//
//   - 01 [Receipt]: giấy tiếp nhận hồ sơ và hẹn trả kết quả, A5;
//   - 02 [Supplement]: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, A5;
//   - 03 [Refusal]: phiếu từ chối tiếp nhận giải quyết hồ sơ, A5;
//   - 04 [Apology]: văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, A5;
//   - 05 [StopNotice]: thông báo dừng giải quyết hồ sơ, A5;
//   - 06 [ControlSlip]: phiếu kiểm soát quá trình giải quyết hồ sơ, A5;
//   - 07 [Register]: sổ theo dõi hồ sơ, A4 landscape.
//
// Each form is a plain struct that the dossier package fills; its PDF and HTML methods
// write the document. Both renderings come from one document model, so their wording is
// the same. Every string is put in Unicode NFC first. The PDF embeds Liberation Serif
// (Times New Roman's metrics, as Decree 30/2020/NĐ-CP prescribes) and follows the
// decree's layout: the issuing office at the top left with a short rule, the national
// title and motto at the top right, the italic place and date, the title in bold
// capitals. Long text wraps, a word wider than its column is cut, tables continue on
// the next page under a repeated header, and signature blocks are never split.
//
// The HTML links one stylesheet, [Stylesheet] served at [StylesheetPath] (the site keeps
// it as internal/web/static/forms.css), drawn from the PDF's metrics: a named @page per
// paper (A5 portrait for 01–06, A4 landscape for 07 and the reports), print rules, and
// column widths as classes. No <style> element and no style attribute: the site's
// Content-Security-Policy (style-src 'self') would block them and the page would print
// unstyled.
//
// # Sources and what is not confirmed
//
// The list and names of the seven forms are those of Circular 03/2025/TT-VPCP (15
// September 2025), Appendix I, as reproduced at
// https://thuviennhadat.vn/phap-luat/tai-file-word-bieu-mau-thong-tu-03-2025-tt-vpcp-ve-giai-quyet-thu-tuc-hanh-chinh-tai-bo-phan-mot-cua-708489.html
// and https://hethongphapluat.com/thong-tu-03-2025-tt-vpcp-huong-dan-nghi-dinh-118-2025-nd-cp-thuc-hien-thu-tuc-hanh-chinh-theo-co-che-mot-cua-mot-cua-lien-thong-tai-bo-phan-mot-cua-va-cong-dich-vu-cong-quoc-gia-do-van-phong-chinh-phu-ban-hanh.html.
// The bodies of the 2025 forms could not be read. UNCONFIRMED: the wording of every
// form here follows the forms of Circular 01/2018/TT-VPCP, which the 2025 ones succeed
// (list and A5/A4 paper at
// https://trangtinphapluat.com/blog/bieu-mau/quy-trinh-giai-quyet-thu-tuc-hanh-chinh/),
// as deployed one-stop systems still print them (Thanh Hóa, Đồng Nai), namely:
//   - 01: the numbered items 1–6 and the register line are the 2018 form's; the fee
//     line (7) and the QR code are additions deployed systems make.
//   - 02, 03, 06: the 2018 forms' bodies; 06's postal note is recalled from the 2018
//     form.
//   - 04: modelled on the 2018 "phiếu xin lỗi và hẹn lại ngày trả kết quả", reworded as
//     an apology that proposes the extension, signed by the head of the unit.
//   - 05: new in 2025, no model found: drafted as a Decree 30 notice giving the dossier,
//     the legal basis, the reason and any refund.
//   - 07: the 2018 register's columns, dates grouped under "Ngày, tháng, năm".
//
// Dates follow Decree 30/2020 Appendix I: a leading zero on days below 10 and months 1
// and 2 (see package locale), confirmed at
// https://ttpc.ktxhcm.edu.vn/tin-tuc/huong-dan-viet-ngay-thang-nam-trong-van-ban-dung-chuan-nghi-dinh-30.
// The national title and motto sizes and the rule as long as the motto are the
// decree's, as the procuracy's identical rule restates them at
// https://thuviennhadat.vn/phap-luat-doi-song/quoc-hieu-trong-van-ban-hanh-chinh-cua-nganh-kiem-sat-nhan-dan-duoc-trinh-bay-nhu-the-nao-410134.html;
// the margins and the issuer's rule (a third to a half of its line) are the decree's as
// DOMAIN.md and common knowledge give them, not re-read here.
// One deliberate departure: the decree sets "Nơi nhận" in bold italic; the PDF embeds no
// bold italic face (it would add 370 kB for two words), so there it is bold.
package forms
