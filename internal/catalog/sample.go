package catalog

import (
	_ "embed"
	"fmt"
)

// sampleJSON is the sample catalog: real commune-level procedures with their national
// codes, legal times, fees and papers as public sources give them, each with its
// sources and what could not be confirmed. docs/CATALOG.md says where every number
// comes from.
//
//go:embed sample/catalog.json
var sampleJSON []byte

// Sample returns the sample catalog that `xaso serve --demo` loads. It is parsed on
// every call, so callers may change what they get.
func Sample() (Catalog, error) {
	c, err := ParseCatalog(sampleJSON)
	if err != nil {
		return Catalog{}, fmt.Errorf("catalog: sample: %w", err)
	}
	return c, nil
}
