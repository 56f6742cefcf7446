package web

import "testing"

func TestAuditWordsProducts(t *testing.T) {
	for _, a := range []string{"product.create", "product.update", "product.photo", "product.batch"} {
		if got := auditAction(a); got == a {
			t.Errorf("%s has no Vietnamese name", a)
		}
	}
	for _, o := range []string{"product", "product_batch"} {
		if auditObjects[o] == "" {
			t.Errorf("object %s has no Vietnamese name", o)
		}
	}
}
