package queue

import (
	"slices"
	"strconv"
	"time"
)

// Floor is what a desk's action reads of a unit's day: its desks and its open tickets
// (waiting or called).
type Floor struct {
	Desks   []Desk
	Tickets []Ticket
}

// Desk returns desk number n of the floor.
func (f Floor) Desk(n int) (Desk, bool) {
	i := slices.IndexFunc(f.Desks, func(d Desk) bool { return d.Number == n })
	if i < 0 {
		return Desk{}, false
	}
	return f.Desks[i], true
}

// Waiting are the floor's waiting tickets.
func (f Floor) Waiting() []Ticket {
	var out []Ticket
	for _, t := range f.Tickets {
		if t.Status == StatusWaiting {
			out = append(out, t)
		}
	}
	return out
}

// Serving is the ticket desk n serves now: the one it called last (false: none).
func (f Floor) Serving(n int) (Ticket, bool) {
	var cur Ticket
	found := false
	for _, t := range f.Tickets {
		if t.Status == StatusCalled && t.Desk == n && (!found || t.CalledAt.After(cur.CalledAt)) {
			cur, found = t, true
		}
	}
	return cur, found
}

// Update is one ticket's change, stored only if the ticket is still as Before (else the
// whole change is read and decided again).
type Update struct {
	Before, After Ticket
	// Action names it in the audit record: queue.call, queue.recall, queue.skip,
	// queue.transfer, queue.finish.
	Action string
	// Announce: the hall calls After's number at After's desk (a Call is recorded).
	Announce bool
}

// DeskAction is what an officer does at a desk.
type DeskAction string

const (
	ActCallNext DeskAction = "call-next" // gọi số tiếp theo (the one served is done)
	ActRecall   DeskAction = "recall"    // gọi lại
	ActSkip     DeskAction = "skip"      // bỏ qua: absent
	ActTransfer DeskAction = "transfer"  // chuyển quầy
	ActFinish   DeskAction = "finish"    // hoàn thành
)

// Decide computes what action does at desk d of floor f, by officer at now; to is the
// desk of a transfer. It is pure: the store applies the updates in one transaction.
func Decide(f Floor, d Desk, action DeskAction, to int, officer int64, now time.Time) ([]Update, error) {
	serving, busy := f.Serving(d.Number)
	switch action {
	case ActCallNext:
		next, ok := PickNext(d, f.Waiting())
		if !ok {
			return nil, ErrQueueEmpty
		}
		var ups []Update
		if busy {
			ups = append(ups, finish(serving, StatusDone, "queue.finish", now))
		}
		after := next
		after.Status, after.Desk, after.OfficerID = StatusCalled, d.Number, officer
		if after.CalledAt.IsZero() {
			after.CalledAt = now
		}
		after.Calls++
		return append(ups, Update{Before: next, After: after, Action: "queue.call", Announce: true}), nil
	case ActRecall, ActSkip, ActTransfer, ActFinish:
		if !busy {
			return nil, ErrNoTicket
		}
	default:
		return nil, ErrUnknownAction
	}
	switch action {
	case ActRecall:
		after := serving
		after.Calls++
		return []Update{{Before: serving, After: after, Action: "queue.recall", Announce: true}}, nil
	case ActSkip:
		return []Update{finish(serving, StatusSkipped, "queue.skip", now)}, nil
	case ActFinish:
		return []Update{finish(serving, StatusDone, "queue.finish", now)}, nil
	}
	if to == d.Number {
		return nil, ErrSameDesk
	}
	if _, ok := f.Desk(to); !ok {
		return nil, ErrUnknownDesk
	}
	after := serving
	after.Status, after.Desk = StatusWaiting, to
	return []Update{{Before: serving, After: after, Action: "queue.transfer"}}, nil
}

func finish(t Ticket, st Status, action string, now time.Time) Update {
	after := t
	after.Status, after.FinishedAt = st, now
	return Update{Before: t, After: after, Action: action}
}

// GroupWaiting is how many wait in a group.
type GroupWaiting struct {
	Code, Letter, Name string
	Waiting            int
}

// Display is what the hall's screen shows.
type Display struct {
	Calling  []Call   // the ticket each desk serves, the latest call first
	Next     []string // the next numbers, in the hall's order
	Waiting  int
	Groups   []GroupWaiting
	LastCall *Call // the latest announcement (its audio), nil before the first
	Revision int64
}

// MaxNext is how many next numbers the screen lists.
const MaxNext = 8

// MakeDisplay computes the screen from the day's open tickets and its latest calls.
func MakeDisplay(groups []Group, open []Ticket, last []Call, revision int64) Display {
	d := Display{Revision: revision, Calling: []Call{}, Next: []string{}, Groups: []GroupWaiting{}}
	byID := map[int64]Call{}
	for _, c := range last {
		if _, seen := byID[c.TicketID]; !seen {
			byID[c.TicketID] = c
		}
	}
	var waiting []Ticket
	for _, t := range open {
		switch t.Status {
		case StatusWaiting:
			waiting = append(waiting, t)
		case StatusCalled:
			c, ok := byID[t.ID]
			if !ok {
				c = Call{TicketID: t.ID, Number: t.Number, Desk: t.Desk, At: t.CalledAt}
			}
			c.Desk = t.Desk
			d.Calling = append(d.Calling, c)
		}
	}
	slices.SortStableFunc(d.Calling, func(a, b Call) int { return b.At.Compare(a.At) })
	slices.SortStableFunc(waiting, before(0))
	d.Waiting = len(waiting)
	for i, t := range waiting {
		if i == MaxNext {
			break
		}
		d.Next = append(d.Next, t.Number)
	}
	for _, g := range groups {
		gw := GroupWaiting{Code: g.Code, Letter: g.Letter, Name: g.Name}
		for _, t := range waiting {
			if t.Group == g.Code {
				gw.Waiting++
			}
		}
		d.Groups = append(d.Groups, gw)
	}
	if len(last) > 0 {
		c := last[0]
		d.LastCall = &c
	}
	return d
}

// CallDoc is a call as the API and the screen's events show it.
type CallDoc struct {
	ID     int64  `json:"id,omitempty"`
	Number string `json:"number"`
	Desk   int    `json:"desk"`
	// Text is what the hall hears; Audio where its sound is served.
	Text  string `json:"text,omitempty"`
	Audio string `json:"audio,omitempty"`
}

// GroupDoc is a group's waiting count on the screen.
type GroupDoc struct {
	Code    string `json:"code"`
	Letter  string `json:"letter"`
	Name    string `json:"name"`
	Waiting int    `json:"waiting"`
}

// DisplayDoc is the screen's state as the API answers it and the event stream sends it:
// one shape for both, so the page's script and API clients read the same fields.
type DisplayDoc struct {
	Unit     string     `json:"unit"`
	Calling  []CallDoc  `json:"calling"`
	Next     []string   `json:"next"`
	Waiting  int        `json:"waiting"`
	Groups   []GroupDoc `json:"groups"`
	LastCall *CallDoc   `json:"last_call"`
	Revision int64      `json:"revision"`
}

// AudioPath is where a call's sound is served.
func AudioPath(unitCode string, callID int64) string {
	return "/man-hinh/" + unitCode + "/goi/" + strconv.FormatInt(callID, 10) + ".wav"
}

// Doc is d in the shape of DisplayDoc for the unit with code unitCode.
func (d Display) Doc(unitCode string) DisplayDoc {
	doc := DisplayDoc{Unit: unitCode, Calling: []CallDoc{}, Next: d.Next, Waiting: d.Waiting, Groups: []GroupDoc{}, Revision: d.Revision}
	for _, c := range d.Calling {
		doc.Calling = append(doc.Calling, CallDoc{Number: c.Number, Desk: c.Desk})
	}
	for _, g := range d.Groups {
		doc.Groups = append(doc.Groups, GroupDoc{Code: g.Code, Letter: g.Letter, Name: g.Name, Waiting: g.Waiting})
	}
	if c := d.LastCall; c != nil {
		doc.LastCall = &CallDoc{ID: c.ID, Number: c.Number, Desk: c.Desk, Text: CallText(c.Number, c.Desk), Audio: AudioPath(unitCode, c.ID)}
	}
	return doc
}
