package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/files"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// MaxContentBytes bounds content and content_base64 (decoded), which
// arrive inside one JSON message; --files-max-bytes lowers it further.
const MaxContentBytes = 64 << 20

type UploadFileIn struct {
	Name          string `json:"name,omitempty" jsonschema:"table name (default: from the file name); sanitized to a lower-case SQL identifier"`
	Path          string `json:"path,omitempty" jsonschema:"local file under a workspace root or --files-root folder"`
	Content       string `json:"content,omitempty" jsonschema:"the file's text (CSV, TSV, JSON, NDJSON)"`
	ContentBase64 string `json:"content_base64,omitempty" jsonschema:"the file's bytes in base64 (Parquet, gzip)"`
	Format        string `json:"format,omitempty" jsonschema:"csv, tsv, json, ndjson or parquet, with .gz for gzip (default: detected)"`
}

type FileColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type UploadFileOut struct {
	Name        string       `json:"name"`
	Table       string       `json:"table" jsonschema:"the view to query on connection files"`
	Format      string       `json:"format"`
	Rows        int64        `json:"rows"`
	Columns     []FileColumn `json:"columns"`
	Bytes       int64        `json:"bytes"`
	SHA256      string       `json:"sha256"`
	RenamedFrom string       `json:"renamed_from,omitempty" jsonschema:"the name asked for, when it was taken"`
	Existed     bool         `json:"existed,omitempty" jsonschema:"the same bytes were already stored"`
}

func uploadFile(d *Deps) server.ServerTool {
	return newTool("upload_file",
		"Add a CSV, TSV, JSON, NDJSON or Parquet file (optionally gzip) as a table on connection \"files\", to query and join with execute_sql or profile. Give exactly one of path (a local file under the client's workspace roots or a --files-root folder), content (text) or content_base64 (binary). Returns the table name, columns with types, rows and bytes.",
		hints{title: "Upload file", readOnly: false, destructive: false, idempotent: false, openWorld: false},
		func(ctx context.Context, in UploadFileIn) (UploadFileOut, error) {
			stop := reportProgress(ctx, "uploading "+firstOf(in.Name, in.Path, "content"))
			defer stop()
			return d.upload(ctx, in)
		},
		func(o UploadFileOut) string {
			s := fmt.Sprintf("files.%s: %s, %d rows, %d columns, %d bytes", o.Table, o.Format, o.Rows, len(o.Columns), o.Bytes)
			if o.RenamedFrom != "" {
				s += fmt.Sprintf(" (renamed from %s, which was taken)", o.RenamedFrom)
			}
			return s
		})
}

func (d *Deps) upload(ctx context.Context, in UploadFileIn) (UploadFileOut, error) {
	eng, err := d.Conns.FilesEngine(ctx)
	if err != nil {
		return UploadFileOut{}, err
	}
	src := files.Source{Path: in.Path, Content: in.Content, ContentBase64: in.ContentBase64, Name: in.Name, Format: in.Format}
	var roots []string
	if in.Path != "" {
		roots = files.Roots(clientRoots(ctx), d.FilesRoots)
	}
	limit := d.FilesMaxBytes
	if in.Path == "" && (limit <= 0 || limit > MaxContentBytes) {
		limit = MaxContentBytes
	}
	assets, err := d.Store.ListFileAssets(ctx)
	if err != nil {
		return UploadFileOut{}, err
	}
	taken := map[string]bool{}
	for _, a := range assets {
		taken[a.Name] = true
	}
	a, err := eng.Ingest(ctx, src, roots, limit, func(n string) bool { return taken[n] })
	if err != nil {
		if errors.Is(err, files.ErrTooLarge) && in.Path == "" {
			err = fmt.Errorf("%w (content and content_base64 are limited to %d bytes; for more, pass path to a file)", err, limit)
		}
		return UploadFileOut{}, err
	}
	for _, old := range assets {
		if old.Name == a.Requested && old.SHA256 == a.SHA256 && old.Format == string(a.Format) {
			return outOf(a, old.Name, true), nil // the same file again
		}
	}
	if err := d.register(ctx, &a, taken); err != nil {
		inUse := a.Existed
		for _, old := range assets {
			inUse = inUse || old.Path == a.Path
		}
		_ = eng.Remove(a.Path, inUse)
		return UploadFileOut{}, err
	}
	d.filesChanged()
	return outOf(a, a.Name, a.Existed), nil
}

// register records a, moving to the next free name when another process
// took a's name since the names were read.
func (d *Deps) register(ctx context.Context, a *files.Asset, taken map[string]bool) error {
	cols, err := json.Marshal(a.Columns)
	if err != nil {
		return err
	}
	opts, err := json.Marshal(a.Options)
	if err != nil {
		return err
	}
	for range 5 {
		err = d.Store.AddFileAsset(ctx, store.FileAsset{
			Name: a.Name, Format: string(a.Format), Size: a.Size, SHA256: a.SHA256, RowCount: a.Rows,
			Columns: cols, Path: a.Path, ReadOptions: opts, CreatedAt: time.Now().UTC(),
		})
		if !errors.Is(err, store.ErrExists) {
			return err
		}
		taken[a.Name] = true
		a.Name = files.Unique(a.Requested, func(n string) bool { return taken[n] })
	}
	return err
}

func outOf(a files.Asset, name string, existed bool) UploadFileOut {
	out := UploadFileOut{Name: name, Table: name, Format: string(a.Format), Rows: a.Rows, Bytes: a.Size,
		SHA256: a.SHA256, Existed: existed, Columns: make([]FileColumn, len(a.Columns))}
	if name != a.Requested {
		out.RenamedFrom = a.Requested
	}
	for i, c := range a.Columns {
		out.Columns[i] = FileColumn{Name: c.Name, Type: c.Type}
	}
	return out
}

// clientRoots asks the client for its roots when it declared the roots
// capability; clients without it, or that fail to answer, give none.
func clientRoots(ctx context.Context) []string {
	srv := server.ServerFromContext(ctx)
	sess := server.ClientSessionFromContext(ctx)
	if srv == nil || sess == nil {
		return nil
	}
	if ci, ok := sess.(server.SessionWithClientInfo); !ok || ci.GetClientCapabilities().Roots == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := srv.RequestRoots(rctx, mcp.ListRootsRequest{Request: mcp.Request{Method: string(mcp.MethodListRoots)}})
	if err != nil || res == nil {
		return nil
	}
	uris := make([]string, 0, len(res.Roots))
	for _, r := range res.Roots {
		uris = append(uris, r.URI)
	}
	return uris
}

type RemoveFileIn struct {
	Name string `json:"name" jsonschema:"the uploaded file's table name"`
}

type RemoveFileOut struct {
	Removed string `json:"removed"`
}

func removeFile(d *Deps) server.ServerTool {
	return newTool("remove_file",
		"Remove an uploaded file: its table on connection \"files\" and its stored copy. Cannot be undone.",
		hints{title: "Remove file", readOnly: false, destructive: true, idempotent: true, openWorld: false},
		func(ctx context.Context, in RemoveFileIn) (RemoveFileOut, error) {
			a, err := d.Store.GetFileAsset(ctx, in.Name)
			if err == nil {
				err = d.Store.RemoveFileAsset(ctx, in.Name)
			}
			if errors.Is(err, store.ErrNotFound) {
				return RemoveFileOut{}, fmt.Errorf("file %q not found; call list_tables with connection \"files\" to see the uploaded files", in.Name)
			}
			if err != nil {
				return RemoveFileOut{}, err
			}
			d.filesChanged()
			if err := d.dropCopy(ctx, a); err != nil {
				d.logger().WarnContext(ctx, "remove_file: stored copy not deleted", "file", in.Name, "err", err)
			}
			return RemoveFileOut{Removed: in.Name}, nil
		},
		func(o RemoveFileOut) string { return "removed " + o.Removed })
}

// dropCopy deletes a removed asset's managed copy unless another asset
// still reads the same file.
func (d *Deps) dropCopy(ctx context.Context, a store.FileAsset) error {
	rest, err := d.Store.ListFileAssets(ctx)
	if err != nil {
		return err
	}
	inUse := false
	for _, o := range rest {
		inUse = inUse || o.Path == a.Path
	}
	eng, err := d.Conns.FilesEngine(ctx)
	if err != nil {
		return err
	}
	return eng.Remove(a.Path, inUse)
}

func (d *Deps) logger() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

// filesChanged drops what this process cached about the files connection.
func (d *Deps) filesChanged() {
	d.Conns.FilesChanged()
	if d.Catalog != nil {
		d.Catalog.Invalidate(conns.Files)
	}
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
