package slbench

import (
	"fmt"
	"path/filepath"
	"sort"
)

// Suite ids (§2).
const (
	SpiderDev        = "spider-dev"
	BirdDev          = "bird-dev"
	BirdMiniDev      = "bird-minidev"
	Spider2Snow      = "spider2-snow"
	Spider2SnowLarge = "spider2-snow-large"
)

// Suites lists every suite id.
var Suites = []string{SpiderDev, BirdDev, BirdMiniDev, Spider2Snow, Spider2SnowLarge}

// LargeSchemaTokens is the whole-schema size above which a Spider 2.0
// question belongs to spider2-snow-large.
const LargeSchemaTokens = 8000

// Scored is a question with its gold items.
type Scored struct {
	Question
	Gold        Gold
	TablesOnly  bool // Spider 2.0: only table recall is scored
	WholeTokens int
}

// Suite is a loaded benchmark suite.
type Suite struct {
	ID           string
	Described    bool
	DBs          map[string]*Database
	AllQuestions []Question
	Questions    []Scored // questions with at least one gold table
	Excluded     int      // questions left without gold tables
	DroppedGold  int      // gold items not in the schema

	colIndex map[string][][2]int
}

// LoadSuite loads suite id from dataDir (the text2sql folder). described
// selects BIRD's described rendering (column_meaning.json).
func LoadSuite(dataDir, id string, described bool) (*Suite, error) {
	s := &Suite{ID: id, Described: described}
	var err error
	switch id {
	case SpiderDev:
		err = s.loadJSONSuite(filepath.Join(dataDir, "spider1-dev", "tables.json"),
			filepath.Join(dataDir, "spider1-dev", "dev.json"), "")
	case BirdDev:
		err = s.loadJSONSuite(filepath.Join(dataDir, "bird-dev", "dev_tables.json"),
			filepath.Join(dataDir, "bird-dev", "dev.json"), filepath.Join(dataDir, "bird-dev", "column_meaning.json"))
	case BirdMiniDev:
		err = s.loadJSONSuite(filepath.Join(dataDir, "bird-minidev", "dev_tables.json"),
			filepath.Join(dataDir, "bird-minidev", "mini_dev_sqlite.json"), filepath.Join(dataDir, "bird-dev", "column_meaning.json"))
	case Spider2Snow, Spider2SnowLarge:
		err = s.loadSnow(filepath.Join(dataDir, "spider2-snow"), id == Spider2SnowLarge)
	default:
		return nil, fmt.Errorf("unknown suite %q (want one of %v)", id, Suites)
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", id, err)
	}
	return s, nil
}

func (s *Suite) loadJSONSuite(tablesPath, questionsPath, meaningsPath string) error {
	var meanings map[string]string
	if s.Described && meaningsPath != "" {
		var err error
		if meanings, err = LoadMeanings(meaningsPath); err != nil {
			return err
		}
	}
	dbs, idx, err := LoadTablesJSON(tablesPath, meanings)
	if err != nil {
		return err
	}
	for _, db := range dbs {
		db.Described = s.Described
	}
	s.DBs, s.colIndex = dbs, idx
	qs, err := LoadQuestionsJSON(questionsPath)
	if err != nil {
		return err
	}
	s.AllQuestions = qs
	whole := map[string]int{}
	for _, q := range qs {
		db := dbs[q.DB]
		if db == nil {
			return fmt.Errorf("question %s: unknown database %q", q.ID, q.DB)
		}
		g := ExtractGold(db, q.SQL)
		s.DroppedGold += g.Dropped
		if len(g.Tables) == 0 {
			s.Excluded++
			continue
		}
		q.GoldTables = g.Tables
		if _, ok := whole[q.DB]; !ok {
			whole[q.DB] = s.wholeTokens(db)
		}
		s.Questions = append(s.Questions, Scored{Question: q, Gold: g, WholeTokens: whole[q.DB]})
	}
	return nil
}

func (s *Suite) wholeTokens(db *Database) int { return Tokens(db.WholeSchema()) }

func (s *Suite) loadSnow(dir string, largeOnly bool) error {
	root := filepath.Join(dir, "resource", "databases")
	dups, err := LoadDuplicates(filepath.Join(root, "DUPLICATES.tsv"))
	if err != nil {
		return err
	}
	qs, err := LoadSnowQuestions(filepath.Join(dir, "spider2-snow.jsonl"),
		filepath.Join(dir, "gold-tables", "spider2-snow-gold-tables.jsonl"))
	if err != nil {
		return err
	}
	s.DBs = map[string]*Database{}
	s.AllQuestions = qs
	whole := map[string]int{}
	for _, q := range qs {
		db := s.DBs[q.DB]
		if db == nil {
			if db, err = LoadSnowDatabase(root, q.DB, dups); err != nil {
				return err
			}
			s.DBs[q.DB] = db
			whole[q.DB] = s.wholeTokens(db)
		}
		if largeOnly && whole[q.DB] <= LargeSchemaTokens {
			continue
		}
		g := Gold{}
		seen := map[string]bool{}
		for _, k := range q.GoldTables {
			if db.Table(k) == nil {
				g.Dropped++
				continue
			}
			if !seen[k] {
				seen[k] = true
				g.Tables = append(g.Tables, k)
			}
		}
		sort.Strings(g.Tables)
		s.DroppedGold += g.Dropped
		if len(g.Tables) == 0 {
			s.Excluded++
			continue
		}
		s.Questions = append(s.Questions, Scored{Question: q, Gold: g, TablesOnly: true, WholeTokens: whole[q.DB]})
	}
	return nil
}
