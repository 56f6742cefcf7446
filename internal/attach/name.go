package attach

import (
	"path"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxNameRunes bounds a stored file name.
const maxNameRunes = 200

// Extension is the extension a file of contentType is stored and served with.
func Extension(contentType string) string {
	switch contentType {
	case PDF:
		return ".pdf"
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	}
	return ""
}

// SafeName is the name a file sent as name is stored under, once its content is known
// to be contentType: the last element of the path only, in NFC (phones and Macs send
// decomposed Vietnamese), without control or formatting characters (a right-to-left
// override could make "gpj.exe" read as "exe.jpg"), without leading or trailing dots and
// spaces, and with the extension of contentType in place of the one it came with. The
// Vietnamese name itself is kept; an empty one becomes "tep".
func SafeName(name, contentType string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, ""))
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) || unicode.Is(unicode.Cf, c) {
			return -1
		}
		return c
	}, name)
	base := trimName(name)
	if ext := path.Ext(base); looksLikeExtension(ext) {
		base = trimName(strings.TrimSuffix(base, ext))
	}
	if base == "" || base == "/" {
		base = "tep"
	}
	ext := Extension(contentType)
	if r := []rune(base); len(r)+len(ext) > maxNameRunes {
		base = trimName(string(r[:maxNameRunes-len(ext)]))
	}
	return base + ext
}

// trimName drops the dots and spaces that hide a file or that systems drop at the end.
func trimName(s string) string {
	return strings.TrimFunc(s, func(c rune) bool { return c == '.' || unicode.IsSpace(c) })
}

// looksLikeExtension: a dot and one to five ASCII letters or digits ("Nguyễn Văn A.
// CCCD" has none).
func looksLikeExtension(ext string) bool {
	if len(ext) < 2 || len(ext) > 6 {
		return false
	}
	for _, c := range ext[1:] {
		if c > unicode.MaxASCII || !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}
