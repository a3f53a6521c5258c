package sqlparse

import (
	"fmt"
	"strings"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// msgType is one message of pg_query's protobuf schema, as the walk needs
// it: which JSON keys it has and which of them hold further messages.
type msgType struct {
	name string
	full protoreflect.FullName
	node bool // the Node wrapper: one key naming the node type
	stmt bool // a statement node (SelectStmt, CreateStmt, ...)
	hook hook
	// keys and fields are parallel: the key-table ids of the fields' JSON
	// names (pg_query's JSON output uses the json_name set in its .proto).
	keys    []uint16
	fields  []*field
	dense   []*field          // by key id, for messages with many fields (Node)
	byProto map[string]uint16 // proto field name → key id
}

// field is one field of a message. msg is nil for scalars and enums.
type field struct {
	msg  *msgType
	list bool
}

// field returns the field for key id k, or nil.
func (t *msgType) field(k uint16) *field {
	if t.dense != nil {
		if int(k) < len(t.dense) {
			return t.dense[k]
		}
		return nil
	}
	for i, id := range t.keys {
		if id == k {
			return t.fields[i]
		}
	}
	return nil
}

// get returns the member of object v (of type t) whose proto field name is
// proto, or -1.
func (t *msgType) get(d *jdoc, v int32, proto string) int32 {
	return d.member(v, t.byProto[proto])
}

// hook names the node types whose contents become facts.
type hook uint8

const (
	hookNone hook = iota
	hookInto
	hookLocking
	hookCTE
	hookFuncCall
	hookTableSample
	hookRangeVar
	hookAExpr
	hookSubLink
	hookSortBy
	hookColumnRef
	hookIndirection
)

var hooks = map[string]hook{
	"IntoClause":       hookInto,
	"LockingClause":    hookLocking,
	"CommonTableExpr":  hookCTE,
	"FuncCall":         hookFuncCall,
	"RangeTableSample": hookTableSample,
	"RangeVar":         hookRangeVar,
	"A_Expr":           hookAExpr,
	"SubLink":          hookSubLink,
	"SortBy":           hookSortBy,
	"ColumnRef":        hookColumnRef,
	"A_Indirection":    hookIndirection,
}

// treeSchema holds every message type reachable from ParseResult, by name,
// and the table of every JSON key those messages use.
type treeSchema struct {
	types map[string]*msgType
	root  *msgType // ParseResult
	node  *msgType // Node
	str   *msgType // String
	keys  keyTable
}

var schema = sync.OnceValue(func() *treeSchema {
	s, err := buildSchema(pg_query.File_pg_query_proto)
	if err != nil {
		panic(err) // the schema is compiled in: every test runs this
	}
	return s
})

func buildSchema(file protoreflect.FileDescriptor) (*treeSchema, error) {
	s := &treeSchema{types: map[string]*msgType{}}
	root := file.Messages().ByName("ParseResult")
	if root == nil || file.Messages().ByName("Node") == nil {
		return nil, fmt.Errorf("sqlparse: pg_query schema without ParseResult or Node")
	}
	var add func(md protoreflect.MessageDescriptor) (*msgType, error)
	add = func(md protoreflect.MessageDescriptor) (*msgType, error) {
		name := string(md.Name())
		if t := s.types[name]; t != nil {
			if t.full != md.FullName() {
				return nil, fmt.Errorf("sqlparse: two messages named %s", name)
			}
			return t, nil
		}
		t := &msgType{
			name:    name,
			full:    md.FullName(),
			node:    name == "Node",
			stmt:    strings.HasSuffix(name, "Stmt") && name != "RawStmt",
			hook:    hooks[name],
			byProto: map[string]uint16{},
		}
		s.types[name] = t
		fs := md.Fields()
		for i := 0; i < fs.Len(); i++ {
			fd := fs.Get(i)
			if fd.IsMap() {
				return nil, fmt.Errorf("sqlparse: map field %s not supported", fd.FullName())
			}
			f := &field{list: fd.IsList()}
			if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
				sub, err := add(fd.Message())
				if err != nil {
					return nil, err
				}
				f.msg = sub
			}
			id := s.keys.add(fd.JSONName())
			t.keys, t.fields = append(t.keys, id), append(t.fields, f)
			t.byProto[string(fd.Name())] = id
		}
		return t, nil
	}
	var err error
	if s.root, err = add(root); err != nil {
		return nil, err
	}
	s.node, s.str = s.types["Node"], s.types["String"]
	if s.str == nil {
		return nil, fmt.Errorf("sqlparse: pg_query schema without String")
	}
	s.keys.index()
	for _, t := range s.types {
		if len(t.keys) > denseFields {
			t.dense = make([]*field, len(s.keys.names)+1)
			for i, id := range t.keys {
				t.dense[id] = t.fields[i]
			}
		}
	}
	return s, nil
}

// denseFields is the field count above which a message gets a dense index.
const denseFields = 24

// keyTable numbers the JSON keys of the schema from 1 and finds them by
// an FNV-1a hash computed while the key is scanned.
type keyTable struct {
	names []string          // id-1 → name
	ids   map[string]uint16 // while building
	slots []uint16          // open addressing by hash; 0 is empty
}

const (
	fnvOffset uint32 = 2166136261
	fnvPrime  uint32 = 16777619
)

func fnv(s string) uint32 {
	h := fnvOffset
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

func (k *keyTable) add(name string) uint16 {
	if k.ids == nil {
		k.ids = map[string]uint16{}
	}
	if id, ok := k.ids[name]; ok {
		return id
	}
	k.names = append(k.names, name)
	id := uint16(len(k.names))
	k.ids[name] = id
	return id
}

func (k *keyTable) index() {
	size := 1
	for size < 4*len(k.names) {
		size <<= 1
	}
	k.slots = make([]uint16, size)
	for i, name := range k.names {
		j := fnv(name) & uint32(size-1)
		for k.slots[j] != 0 {
			j = (j + 1) & uint32(size-1)
		}
		k.slots[j] = uint16(i + 1)
	}
}

// find returns the id of name, whose hash is h, or 0.
func (k *keyTable) find(name string, h uint32) uint16 {
	mask := uint32(len(k.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		id := k.slots[j]
		if id == 0 || k.names[id-1] == name {
			return id
		}
	}
}
