package forms

// SerifRegular returns the embedded Liberation Serif Regular font (Times New Roman's
// metrics), for other packages that draw text in the same face: the signature
// appearances of internal/signing. The slice is shared; do not modify it.
func SerifRegular() []byte { return serifRegular }
