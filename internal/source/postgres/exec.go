package postgres

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iopsdata/iopsdata/internal/source"
)

// limits are source.Limits with defaults applied.
type limits struct {
	maxRows  int
	maxBytes int
	timeout  time.Duration
}

// request is one statement to run.
type request struct {
	sql    string
	params [][]byte // text-format parameters; nil is NULL
	lim    limits
}

// Control statements sent around the user's statement, all through the
// extended protocol. set_config(..., true) is SET LOCAL: it ends with the
// transaction. DateStyle 'ISO' changes only the output format and keeps the
// session's field order (DMY/MDY), so input parsing is unchanged; TimeZone is
// never touched.
const (
	beginSQL    = "BEGIN READ ONLY"
	rollbackSQL = "ROLLBACK"
	// Session-level advisory locks survive ROLLBACK. The SQL guard refuses
	// the functions that take them; this releases any anyway.
	unlockSQL = "SELECT pg_catalog.pg_advisory_unlock_all()"
	setupSQL  = `SELECT pg_catalog.set_config('statement_timeout', $1, true),
  pg_catalog.set_config('idle_in_transaction_session_timeout', $1, true),
  pg_catalog.set_config('DateStyle', 'ISO', true),
  pg_catalog.set_config('IntervalStyle', 'iso_8601', true),
  pg_catalog.set_config('extra_float_digits', '3', true),
  pg_catalog.set_config('bytea_output', 'hex', true),
  pg_catalog.set_config('standard_conforming_strings', 'on', true)`
)

// Stages of one exchange, in the order the server answers them.
const (
	stageBegin = iota
	stageSetup
	stageUser
	stageRollback // ROLLBACK and the advisory unlock, after the first Sync
)

// cancelGrace bounds how long a canceled query may take to unwind: the read
// deadline set on cancellation, and the time allowed for the cancel request.
const cancelGrace = 2 * time.Second

// outcome is what an exchange learned besides the rows.
type outcome struct {
	pgErr    *pgconn.PgError // first server error before the first Sync
	tag      string          // command tag of the user's statement, if it completed
	copy     bool            // the statement was a COPY, which was canceled
	reusable bool            // idle, clean, and safe to return to the pool
}

// run executes req on c and releases c: back to the pool when the exchange
// left it clean, closed otherwise.
func (s *Source) run(ctx context.Context, c *pgxpool.Conn, req *request) (*source.Result, error) {
	reusable := false
	defer func() { release(c, reusable) }()
	pc := c.Conn().PgConn()
	col := newCollector(req.lim, s.types.get)
	start := time.Now()
	out, err := exchange(ctx, pc, req, col)
	switch {
	case out.copy:
		return nil, &source.Error{Kind: source.KindUnsupported, Message: "COPY is not supported; use SELECT"}
	case err != nil:
		return nil, s.transportError(ctx, err)
	}
	if out.pgErr != nil {
		reusable = out.reusable
		return nil, s.serverError(ctx, out.pgErr)
	}
	if len(col.missing) > 0 {
		if err := s.resolveTypes(ctx, pc, col.missing); err != nil {
			return nil, err
		}
		col.finish()
	}
	reusable = out.reusable
	res := col.result()
	res.Elapsed = time.Since(start)
	return res, nil
}

// release returns a clean connection to the pool and closes any other.
func release(c *pgxpool.Conn, reusable bool) {
	if !reusable {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_ = c.Conn().Close(ctx) // marks it closed, so Release destroys it
		cancel()
	}
	c.Release()
}

// exchange sends the whole transaction in one flush and reads every reply.
// When ctx is done meanwhile, the server is sent a cancel request and the
// connection a read deadline; the connection is then never reused, since a
// late cancel request could hit its next statement.
func exchange(ctx context.Context, pc *pgconn.PgConn, req *request, col *collector) (outcome, error) {
	stop := context.AfterFunc(ctx, func() { cancelBackend(pc) })
	out, err := sendAndRead(pc, req, col)
	if !stop() {
		out.reusable = false
	}
	return out, err
}

func cancelBackend(pc *pgconn.PgConn) {
	_ = pc.Conn().SetDeadline(time.Now().Add(cancelGrace))
	ctx, cancel := context.WithTimeout(context.Background(), cancelGrace)
	defer cancel()
	_ = pc.CancelRequest(ctx)
}

func sendAndRead(pc *pgconn.PgConn, req *request, col *collector) (outcome, error) {
	fe := pc.Frontend()
	ms := []byte(strconv.FormatInt(max(req.lim.timeout.Milliseconds(), 1), 10))
	fe.SendParse(&pgproto3.Parse{Query: beginSQL})
	fe.SendBind(&pgproto3.Bind{})
	fe.SendExecute(&pgproto3.Execute{})
	fe.SendParse(&pgproto3.Parse{Query: setupSQL})
	fe.SendBind(&pgproto3.Bind{Parameters: [][]byte{ms}})
	fe.SendExecute(&pgproto3.Execute{})
	fe.SendParse(&pgproto3.Parse{Query: req.sql})
	fe.SendBind(&pgproto3.Bind{Parameters: req.params})
	fe.SendDescribe(&pgproto3.Describe{ObjectType: 'P'})
	fe.SendExecute(&pgproto3.Execute{MaxRows: uint32(req.lim.maxRows + 1)})
	fe.SendSync(&pgproto3.Sync{})
	fe.SendParse(&pgproto3.Parse{Query: rollbackSQL})
	fe.SendBind(&pgproto3.Bind{})
	fe.SendExecute(&pgproto3.Execute{})
	fe.SendParse(&pgproto3.Parse{Query: unlockSQL})
	fe.SendBind(&pgproto3.Bind{})
	fe.SendExecute(&pgproto3.Execute{})
	fe.SendSync(&pgproto3.Sync{})
	if err := fe.Flush(); err != nil {
		return outcome{}, err
	}
	return readReplies(pc, col)
}

// readReplies consumes messages up to the second ReadyForQuery. After an
// error the server skips to the first Sync, and the ROLLBACK after it still
// runs, so the connection ends idle either way.
func readReplies(pc *pgconn.PgConn, col *collector) (outcome, error) {
	r := replies{pc: pc, col: col}
	for r.syncs < 2 {
		msg, err := pc.ReceiveMessage(context.Background())
		if err != nil {
			return r.out, err
		}
		r.handle(msg)
	}
	r.out.reusable = !r.dirty && pc.TxStatus() == 'I' && harmlessTag(r.out.tag)
	return r.out, nil
}

// replies tracks which statement of the exchange the server is answering.
type replies struct {
	pc    *pgconn.PgConn
	col   *collector
	out   outcome
	stage int
	syncs int
	dirty bool // the connection must not be reused
}

func (r *replies) handle(msg pgproto3.BackendMessage) {
	switch m := msg.(type) {
	case *pgproto3.DataRow:
		if r.stage == stageUser {
			r.col.row(m.Values)
		}
	case *pgproto3.RowDescription:
		if r.stage == stageUser {
			r.col.describe(m.Fields)
		}
	case *pgproto3.CommandComplete:
		if r.stage == stageUser {
			r.out.tag = string(m.CommandTag)
		}
		r.stage++
	case *pgproto3.PortalSuspended, *pgproto3.EmptyQueryResponse:
		r.stage++
	case *pgproto3.ErrorResponse:
		if r.syncs == 0 && r.out.pgErr == nil {
			r.out.pgErr = pgconn.ErrorResponseToPgError(m)
		} else {
			r.dirty = true // ROLLBACK failed
		}
	case *pgproto3.ReadyForQuery:
		r.syncs++
		r.stage = stageRollback
	case *pgproto3.CopyOutResponse, *pgproto3.CopyInResponse:
		// COPY streams outside the portal's row limit: stop it.
		if !r.out.copy {
			r.out.copy, r.dirty = true, true
			go cancelBackend(r.pc)
		}
	}
}

// harmlessTag reports whether a statement with this command tag cannot have
// left state that outlives ROLLBACK. PREPARE, DECLARE, LISTEN, COMMIT and
// other utility statements can; their connection is closed instead of reused.
func harmlessTag(tag string) bool {
	if tag == "" {
		return true // suspended portal, empty query, or failed statement
	}
	verb, _, _ := strings.Cut(tag, " ")
	switch verb {
	case "SELECT", "SHOW", "EXPLAIN":
		return true
	}
	return false
}

// encodeArgs turns query arguments into text-format parameters ($1, $2 …).
// The server infers each parameter's type from its use, as for an untyped
// literal; nil is NULL.
func encodeArgs(args []any) ([][]byte, error) {
	if len(args) == 0 {
		return nil, nil
	}
	out := make([][]byte, len(args))
	for i, a := range args {
		s, null, err := argText(a)
		if err != nil {
			return nil, &source.Error{Kind: source.KindOther, Message: fmt.Sprintf("argument $%d: %v", i+1, err)}
		}
		if !null {
			out[i] = []byte(s)
		}
	}
	return out, nil
}

func argText(a any) (s string, null bool, err error) {
	switch v := a.(type) {
	case nil:
		return "", true, nil
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return "", false, fmt.Errorf("text contains a NUL byte")
		}
		return v, false, nil
	case bool:
		return strconv.FormatBool(v), false, nil
	case int:
		return strconv.Itoa(v), false, nil
	case int32:
		return strconv.FormatInt(int64(v), 10), false, nil
	case int64:
		return strconv.FormatInt(v, 10), false, nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), false, nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), false, nil
	case []byte:
		return `\x` + hex.EncodeToString(v), false, nil
	case time.Time:
		return v.Format(time.RFC3339Nano), false, nil
	case []string:
		return arrayLiteral(v), false, nil
	}
	return "", false, fmt.Errorf("unsupported type %T", a)
}

// arrayLiteral writes a one-dimensional text[] literal with every element quoted.
func arrayLiteral(items []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(it); j++ {
			if it[j] == '"' || it[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(it[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}
