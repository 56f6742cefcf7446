package vietqr_test

import (
	"errors"
	"fmt"

	"github.com/xaso-vn/xaso/internal/payment/vietqr"
)

func ExampleEncode() {
	s, err := vietqr.Encode(vietqr.Payload{
		BIN:     "970415", // VietinBank
		Account: "113366668888",
		Amount:  50000,
		Purpose: "Lệ phí",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(s)
	// Output: 00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA53037045405500005802VN62100806Le phi63043FBD
}

func ExampleDecode() {
	p, err := vietqr.Decode("00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA53037045405500005802VN62100806Le phi63043FBD")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.PointOfInitiation, p.BIN, p.Account, p.Amount, p.Purpose)

	_, err = vietqr.Decode("00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA53037045405500005802VN62100806Le phi63043FBE")
	fmt.Println(err, errors.Is(err, vietqr.ErrCRC))
	// Output:
	// dynamic 970415 113366668888 50000 Le phi
	// vietqr: tag 63: CRC is 3FBE but the payload's checksum is 3FBD true
}
