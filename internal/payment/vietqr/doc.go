// Package vietqr writes and reads VietQR payment codes: the text inside the QR code a
// citizen scans with any Vietnamese banking app to pay a fee by NAPAS 247 instant transfer.
// It is pure: no I/O, no clock, no state.
//
// # Format
//
// The text is an EMVCo merchant-presented QR payload in the NAPAS profile: a run of data
// objects, each a two-digit tag, a two-digit decimal length and that many characters of
// value. Some values are templates, themselves runs of data objects.
//
//	00 payload format indicator, "01"
//	01 point of initiation: "11" static (reusable), "12" dynamic (one payment)
//	38 NAPAS template
//	   00 GUID "A000000727"
//	   01 beneficiary: 00 bank BIN (6 digits), 01 account or card number (≤ 19)
//	   02 service: "QRIBFTTA" to an account, "QRIBFTTC" to a card
//	53 currency "704" (VND)
//	54 amount in đồng, digits only (optional)
//	58 country "VN"
//	62 additional data (optional): 01 bill number, 08 purpose (each ≤ 25), 02–07, 09… kept
//	63 CRC-16/CCITT-FALSE of everything before its value, "6304" included, in hexadecimal
//
// Other tags — merchant category 52, name 59, city 60, other schemes' account templates
// 02–51, unreserved templates 80–99 — are kept verbatim in Payload.Extra. Values are EMVCo
// "ans" text; this package keeps them to printable ASCII because decoders disagree on how
// to count the length of anything else, and strips Vietnamese accents from the references
// it writes (StripDiacritics).
//
// # Worked example
//
// A fee of 50,000 đồng to VietinBank (BIN 970415) account 113366668888, purpose "Le phi":
//
//	00 02 01
//	01 02 12                        dynamic: the code carries an amount
//	38 56 00 10 A000000727
//	      01 26 00 06 970415
//	            01 12 113366668888
//	      02 08 QRIBFTTA
//	53 03 704
//	54 05 50000
//	58 02 VN
//	62 10 08 06 Le phi
//	63 04 3FBD                      CRC of everything from "000201" to "6304"
//
// which Encode writes without the spaces:
//
//	00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA53037045405500005802VN62100806Le phi63043FBD
//
// Encode writes data objects in ascending tag order; Decode accepts them in any order,
// since real generators differ, but requires the CRC last. Decode returns a canonical
// Payload, so that Encode and Decode round-trip.
//
// References: EMV QR Code Specification for Payment Systems, Merchant-Presented Mode;
// NAPAS's VietQR specification for 24/7 interbank transfers (v1.5.2 is the edition public
// implementations cite).
package vietqr
