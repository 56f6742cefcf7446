package catalog

import (
	"errors"
	"strings"
)

// birthProvinces are the first three digits of a 12-digit personal identification
// number (số định danh cá nhân, printed on the căn cước card): the code of the province
// where the birth was registered, from the annex of Circular 07/2016/TT-BCA, kept by
// Circular 59/2021/TT-BCA. They are the 63 provinces before the 2025 merger; numbers
// already issued keep them, so the list does not change with the new provinces.
//
// UNCONFIRMED: the same circular lets births registered abroad carry a country code
// instead; that annex was not found, so such numbers are rejected here.
var birthProvinces = map[string]string{
	"001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
	"010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
	"017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
	"025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
	"033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
	"038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
	"046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
	"054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
	"064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
	"072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
	"080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
	"087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
	"094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

// CheckCitizenID checks the shape of a personal identification number: exactly 12
// digits, the first three a province-of-birth code. The fourth digit (century and sex,
// 0–9) and the fifth and sixth (the last two digits of the year of birth) accept every
// digit, and the last six are a random sequence, so there is no check digit to verify:
// only the national population database can say whether the number exists.
func CheckCitizenID(s string) error {
	if len(s) != 12 || strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		return errors.New("số định danh cá nhân phải gồm đúng 12 chữ số")
	}
	if _, ok := birthProvinces[s[:3]]; !ok {
		return errors.New("3 chữ số đầu của số định danh cá nhân không phải mã tỉnh nơi đăng ký khai sinh")
	}
	return nil
}

// mobilePrefixes are the first two digits of Vietnamese mobile numbers since the
// 2018 renumbering to ten digits.
var mobilePrefixes = []string{"03", "05", "07", "08", "09"}

// NormalizePhone accepts a Vietnamese mobile number written 0912 345 678,
// 0912.345.678, +84912345678 or 84912345678 and returns it as ten digits beginning
// with 0, the form SMS gateways and the receipt print.
func NormalizePhone(s string) (string, error) {
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(d, "+84"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = "0" + d[2:]
	}
	if len(d) != 10 || strings.ContainsFunc(d, func(r rune) bool { return r < '0' || r > '9' }) {
		return "", errors.New("số điện thoại di động phải gồm 10 chữ số, ví dụ 0912345678 hoặc +84912345678")
	}
	for _, p := range mobilePrefixes {
		if strings.HasPrefix(d, p) {
			return d, nil
		}
	}
	return "", errors.New("số điện thoại di động phải bắt đầu bằng 03, 05, 07, 08 hoặc 09")
}
