// Package signing signs and verifies PDF documents with PAdES signatures, as xaso's
// officials sign a dossier's results and forms.
//
// What it does: SignPDF appends one signature (/SubFilter /ETSI.CAdES.detached, baseline
// B-B, or B-T with an RFC 3161 timestamp authority) as an incremental update, so earlier
// signatures stay valid; VerifyPDF checks every signature of a file (byte ranges, the
// CMS signature, ESS signing-certificate-v2, the timestamp, the chain to the
// administrator's trust anchors at the signing time, key usage, OCSP or CRL, changes
// made after signing) and says so in a Report with stable names and Vietnamese
// summaries. A Signer gives the CMS of a digest: PKCS12Signer (an official's PKCS#12
// file, kept sealed under the official's passphrase: SealPKCS12) or ExternalSigner (a
// USB token's driver, a remote service). An Appearance draws a signature on the page
// (the signer's image, the organisation's seal over it, or the text block of an
// electronic copy, after Decree 30/2020); AddStamp puts the verification QR code on a
// document before its first signature; SignatureAreas and PageBoxes place them. The
// certificate checks (VerifyChain, CheckSigningCertificate) are shared with the XML
// signatures of the fee receipts.
//
// What it relies on: package pdf reads the file and writes the update, within its limits;
// smallstep/pkcs7 builds and checks the CMS, digitorus/timestamp the timestamps,
// go-pkcs12 opens PKCS#12 files, x/crypto/ocsp asks responders; fpdf draws appearances.
//
// Its limits: every reading of a file is bounded by package pdf's budget (its refusals
// are 422s with pdf_* codes), and at most 50 signature fields are verified in a file;
// revocation, which waits on the network, is checked after the file is read, and is
// reported unknown when no answer can be had. It never trusts the system's roots, only
// the anchors it is given. The demo's and the tests' certification authority is package
// democa, not this one.
package signing
