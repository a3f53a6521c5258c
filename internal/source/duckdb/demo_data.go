package duckdb

import (
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The demo data is generated with a fixed-seed splitmix64 generator and
// integer arithmetic only (no floating point), so it is identical on every
// platform and Go version.

const (
	demoSeed      = 20240601
	demoCustomers = 320
	demoProducts  = 96
	demoOrders    = 1500
)

var (
	demoStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	demoEnd   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // "now" for order status
	demoDays  = int(demoEnd.Sub(demoStart).Hours() / 24)
)

type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// percent reports true with probability p/100.
func (r *rng) percent(p int) bool { return r.intn(100) < p }

// weighted returns an index into weights, chosen in proportion to them.
func (r *rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (r *rng) choice(items []string) string { return items[r.intn(len(items))] }

type demoTable struct {
	name string
	rows [][]driver.Value
}

type demoData struct {
	r                                         rng
	customers                                 []demoCustomer
	products                                  []demoProduct
	categoryRows, customerRows, productRows   [][]driver.Value
	orderRows, itemRows, paymentRows, shipRow [][]driver.Value
}

func (d *demoData) tables() []demoTable {
	// Top-level categories go first: a row's parent must exist before the
	// appender's batch with the row is checked.
	return []demoTable{
		{"categories", d.categoryRows[:4]}, {"categories", d.categoryRows[4:]},
		{"customers", d.customerRows}, {"products", d.productRows},
		{"orders", d.orderRows}, {"order_items", d.itemRows}, {"payments", d.paymentRows},
		{"shipments", d.shipRow},
	}
}

func generateDemo() *demoData {
	d := &demoData{r: rng{s: demoSeed}}
	d.genCategories()
	d.genCustomers()
	d.genProducts()
	d.genOrders()
	return d
}

type demoCategory struct {
	id, parent     int
	name, desc     string
	minUSD, maxUSD int
	popularity     int // how often its products are bought
	nouns          []string
}

var demoCategories = []demoCategory{
	{1, 0, "Electronics", "Computers, phones and audio.", 0, 0, 0, nil},
	{2, 0, "Home & Kitchen", "Everything for the kitchen and the living room.", 0, 0, 0, nil},
	{3, 0, "Sports & Outdoors", "Fitness equipment and camping gear.", 0, 0, 0, nil},
	{4, 0, "Books & Media", "Books and games.", 0, 0, 0, nil},
	{5, 1, "Laptops", "Notebooks and ultrabooks.", 499, 1999, 1, []string{"Laptop", "Ultrabook", "Notebook"}},
	{6, 1, "Phones & Tablets", "Smartphones and tablets.", 199, 999, 2, []string{"Smartphone", "Tablet"}},
	{7, 1, "Audio", "Headphones and speakers.", 29, 349, 5, []string{"Headphones", "Earbuds", "Speaker", "Soundbar"}},
	{8, 2, "Cookware", "Pans, pots and knives.", 19, 249, 4, []string{"Frying Pan", "Dutch Oven", "Knife Set", "Saucepan"}},
	{9, 2, "Furniture", "Desks, chairs and shelves.", 49, 699, 2, []string{"Desk Chair", "Bookshelf", "Standing Desk", "Side Table"}},
	{10, 3, "Fitness", "Home gym equipment.", 15, 499, 4, []string{"Yoga Mat", "Dumbbell Set", "Exercise Bike", "Kettlebell"}},
	{11, 3, "Camping", "Tents, bags and stoves.", 25, 399, 4, []string{"Tent", "Sleeping Bag", "Backpack", "Camp Stove"}},
	{12, 4, "Books", "Printed books.", 9, 49, 9, []string{"Cookbook", "Novel", "Travel Guide", "Biography"}},
	{13, 4, "Games", "Board, card and video games.", 19, 69, 7, []string{"Board Game", "Video Game", "Puzzle", "Card Game"}},
}

func (d *demoData) genCategories() {
	for _, c := range demoCategories {
		var parent driver.Value
		if c.parent != 0 {
			parent = int32(c.parent)
		}
		d.categoryRows = append(d.categoryRows, []driver.Value{int32(c.id), c.name, parent, c.desc})
	}
}

var (
	firstNames = []string{"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo",
		"Isabella", "Leon", "Charlotte", "Hugo", "Amelia", "Louis", "Hannah", "Felix", "Yuki", "Arjun",
		"Priya", "Lars", "Ingrid", "Pedro", "Lucia", "Marco", "Giulia", "Chloe", "Jack", "Zoe"}
	lastNames = []string{"Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Martin", "Bernard", "Müller",
		"Schmidt", "Rossi", "Russo", "Fernández", "López", "Jansen", "de Vries", "Andersson", "Nilsson",
		"Tanaka", "Sato", "Silva", "Santos", "Patel", "Sharma", "Wilson", "Taylor", "Clarke", "Walker",
		"Wright", "Lee"}
	countries = []struct {
		code   string
		weight int
		cities []string
	}{
		{"US", 34, []string{"New York", "Austin", "Seattle", "Chicago"}},
		{"GB", 12, []string{"London", "Manchester", "Leeds"}},
		{"DE", 11, []string{"Berlin", "Munich", "Hamburg"}},
		{"FR", 8, []string{"Paris", "Lyon", "Toulouse"}},
		{"CA", 7, []string{"Toronto", "Vancouver", "Montreal"}},
		{"NL", 5, []string{"Amsterdam", "Rotterdam", "Utrecht"}},
		{"ES", 5, []string{"Madrid", "Barcelona", "Valencia"}},
		{"IT", 4, []string{"Milan", "Rome", "Turin"}},
		{"AU", 4, []string{"Sydney", "Melbourne"}},
		{"SE", 3, []string{"Stockholm", "Gothenburg"}},
		{"JP", 3, []string{"Tokyo", "Osaka"}},
		{"BR", 2, []string{"São Paulo", "Rio de Janeiro"}},
		{"IN", 2, []string{"Bengaluru", "Mumbai"}},
	}
)

type demoCustomer struct {
	id       int
	country  string
	business bool
	signup   time.Time
	weight   int // how often the customer orders
}

func (d *demoData) genCustomers() {
	weights := make([]int, len(countries))
	for i, c := range countries {
		weights[i] = c.weight
	}
	signupSpan := int(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC).Sub(demoStart.AddDate(-1, 0, 0)).Hours() / 24)
	for id := 1; id <= demoCustomers; id++ {
		r := &d.r
		c := countries[r.weighted(weights)]
		first, last := r.choice(firstNames), r.choice(lastNames)
		cu := demoCustomer{id: id, country: c.code, business: r.percent(18),
			signup: demoStart.AddDate(-1, 0, r.intn(signupSpan)), weight: 1}
		switch {
		case r.percent(8):
			cu.weight = 12
		case r.percent(25):
			cu.weight = 4
		}
		segment := "consumer"
		if cu.business {
			segment, cu.weight = "business", cu.weight*2
		}
		email := fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(first),
			strings.ToLower(strings.ReplaceAll(last, " ", "")), id)
		d.customers = append(d.customers, cu)
		d.customerRows = append(d.customerRows, []driver.Value{int32(id), first, last, email, c.code,
			r.choice(c.cities), segment, cu.signup, r.percent(58)})
	}
}

var brands = []string{"Acme", "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Tailspin", "Litware"}

type demoProduct struct {
	id, price int // price in cents
	launched  time.Time
	weight    int // popularity
}

func (d *demoData) genProducts() {
	subs := demoCategories[4:]
	for id := 1; id <= demoProducts; id++ {
		r := &d.r
		c := subs[(id-1)%len(subs)]
		price := r.between(c.minUSD, c.maxUSD)*100 + 99
		cost := price * r.between(45, 72) / 100
		launched := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.intn(540))
		if r.percent(20) {
			launched = launched.AddDate(0, 0, 540+r.intn(370))
		}
		p := demoProduct{id: id, price: price, launched: launched, weight: c.popularity * (1 + r.intn(4))}
		if r.percent(10) {
			p.weight *= 4 // a best seller
		}
		d.products = append(d.products, p)
		name := fmt.Sprintf("%s %s %c%d", r.choice(brands), r.choice(c.nouns), 'A'+rune(r.intn(6)), r.between(1, 9)*100)
		d.productRows = append(d.productRows, []driver.Value{int32(id),
			fmt.Sprintf("%s-%04d", strings.ToUpper(c.name[:3]), id), name, int32(c.id),
			int64(price), int64(cost), !r.percent(8), launched})
	}
}

// orderTimes draws demoOrders timestamps with growth over the three years
// and a peak in November and December, sorted so order ids follow time.
func (d *demoData) orderTimes() []time.Time {
	season := []int{7, 6, 7, 8, 8, 8, 8, 9, 9, 10, 15, 17}
	hours := []int{1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 8, 8, 7, 7, 7, 8, 9, 10, 10, 9, 6, 3}
	var out []time.Time
	for len(out) < demoOrders {
		day := d.r.intn(demoDays)
		t := demoStart.AddDate(0, 0, day)
		weight := season[t.Month()-1] * (100 + day/6)
		if d.r.intn(17*(100+demoDays/6)) >= weight {
			continue
		}
		t = t.Add(time.Duration(d.r.weighted(hours))*time.Hour + time.Duration(d.r.intn(3600))*time.Second)
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
