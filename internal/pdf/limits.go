package pdf

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Every PDF read here comes from outside: a citizen's paper, an official's result, a file
// anyone posts to the public verification page. A file of a few kilobytes can declare
// millions of objects, inflate to gigabytes, nest without end or chain references so
// that reading it recurses; so every reading is bounded before it allocates, from the
// numbers the file declares compared with what its size can hold, and in time:
const (
	// maxObjects bounds the cross-reference entries of a file (its /Size, the counts of
	// its sections, an object stream's /N), whatever its size; objectsFloor plus one
	// object per bytesPerObject bytes of the file bounds them below that. A real object
	// takes more than a few bytes, even compressed in an object stream.
	maxObjects     = 1_000_000
	objectsFloor   = 10_000
	bytesPerObject = 2
	// The bytes inflated from a file's streams (cross-reference and object streams; page
	// content is never decoded): inflateFloor plus inflateFactor times the file's size,
	// at most inflateCap for the whole file and maxStreamInflate for one stream.
	inflateFloor     = 4 << 20
	inflateFactor    = 32
	inflateCap       = 32 << 20
	maxStreamInflate = 16 << 20
	// maxObjectValues bounds the values (numbers, names, array elements…) of one object:
	// a megabyte of "0 0 0 …" would otherwise cost a hundred.
	maxObjectValues = 100_000
	// maxResolveDepth bounds references followed while resolving one (a stream's /Length
	// naming an object whose stream's /Length names another…): Go's stack would grow
	// to a gigabyte before failing.
	maxResolveDepth = 32
	// maxParseTime bounds the time one operation spends reading a file (parsing,
	// resolving, walking; not the network).
	maxParseTime = 2 * time.Second
)

// Budget is what one operation on one file may still spend: shared by the file and its
// earlier revisions (modifiedAfter reads them from the same bytes), so the limits hold
// for the upload as a whole.
type Budget struct {
	ctx        context.Context
	deadline   time.Time
	maxObjects int   // cross-reference entries the file may have
	inflate    int64 // bytes that may still be inflated
	ticks      int
	// decoded keeps the streams already decoded, by their data's offset and length in
	// the file: an earlier revision (a prefix of the same bytes) finds them again
	// instead of inflating them twice.
	decoded map[[2]int][]byte
}

// NewBudget starts the budget of reading a file of size bytes; ctx may end it sooner.
func NewBudget(ctx context.Context, size int) *Budget {
	if ctx == nil {
		ctx = context.Background()
	}
	return &Budget{ctx: ctx, deadline: time.Now().Add(maxParseTime), maxObjects: objectsFor(size),
		inflate: inflateFor(size), decoded: map[[2]int][]byte{}}
}

// objectsFor is how many cross-reference entries a file of size bytes may have.
func objectsFor(size int) int {
	return min(maxObjects, objectsFloor+size/bytesPerObject)
}

// inflateFor is how many bytes the streams of a file of size bytes may inflate to.
func inflateFor(size int) int64 {
	return min(int64(inflateCap), inflateFloor+inflateFactor*int64(size))
}

// Restart gives the operation its full time again: after a signer or a timestamp
// authority answered, the time they took is not the file's.
func (b *Budget) Restart() { b.deadline = time.Now().Add(maxParseTime) }

// tick is called in every parsing loop; every 256th call looks at the clock and the
// context.
func (b *Budget) tick() error {
	if b == nil {
		return nil
	}
	b.ticks++
	if b.ticks%256 != 0 {
		return nil
	}
	return b.Check()
}

// Check ends the operation when its time is up or its context is done.
func (b *Budget) Check() error {
	if b == nil {
		return nil
	}
	if err := b.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return ErrTooSlow.With(err)
		}
		return err
	}
	if time.Now().After(b.deadline) {
		return ErrTooSlow.With(fmt.Errorf("reading took more than %s", maxParseTime))
	}
	return nil
}

// objects refuses a declared count of cross-reference entries (or objects of an object
// stream) above what the file may have.
func (b *Budget) objects(n int64, what string) error {
	limit := maxObjects
	if b != nil {
		limit = b.maxObjects
	}
	if n < 0 || n > int64(limit) {
		return ErrTooManyObjects.With(fmt.Errorf("%s: %d entries, at most %d", what, n, limit))
	}
	return nil
}

// streamLimit is how many bytes the next stream may inflate to.
func (b *Budget) streamLimit() int64 {
	if b == nil {
		return maxStreamInflate
	}
	return min(int64(maxStreamInflate), b.inflate)
}

// spend takes n inflated bytes from the budget.
func (b *Budget) spend(n int) {
	if b != nil {
		b.inflate -= int64(n)
	}
}

func tooComplex(format string, a ...any) error {
	return ErrTooComplex.With(fmt.Errorf(format, a...))
}
