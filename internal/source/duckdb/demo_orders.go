package duckdb

import (
	"database/sql/driver"
	"strings"
	"time"
)

type demoOrder struct {
	id       int
	customer demoCustomer
	at       time.Time
	status   string
	total    int // cents
	shipping int
}

func (d *demoData) genOrders() {
	customerWeights := make([]int, len(d.customers))
	for i, c := range d.customers {
		customerWeights[i] = c.weight
	}
	channels := []string{"web", "mobile_app", "marketplace"}
	for i, at := range d.orderTimes() {
		o := demoOrder{id: i + 1, at: at, customer: d.pickCustomer(customerWeights, at)}
		subtotal := d.genItems(o)
		o.shipping = 799
		if subtotal >= 7500 || o.customer.business {
			o.shipping = 0
		}
		discount := 0
		if d.r.percent(12) {
			discount = subtotal * (5 * d.r.between(1, 3)) / 100
		}
		o.total = subtotal + o.shipping - discount
		d.genFulfilment(&o)
		d.orderRows = append(d.orderRows, []driver.Value{int32(o.id), int32(o.customer.id), o.at, o.status,
			channels[d.r.weighted([]int{55, 30, 15})], int64(subtotal), int64(o.shipping), int64(discount),
			int64(o.total)})
		d.genPayments(o)
	}
}

// pickCustomer chooses a customer who had signed up by t, favouring the
// frequent buyers.
func (d *demoData) pickCustomer(weights []int, t time.Time) demoCustomer {
	for range 100 {
		c := d.customers[d.r.weighted(weights)]
		if !c.signup.After(t) {
			return c
		}
	}
	return d.customers[0]
}

// genItems appends 1-5 lines of distinct products launched by the order
// date and returns the subtotal in cents.
func (d *demoData) genItems(o demoOrder) int {
	weights := make([]int, len(d.products))
	for i, p := range d.products {
		if !p.launched.After(o.at) {
			weights[i] = p.weight
		}
	}
	lines := 1 + d.r.weighted([]int{45, 28, 15, 8, 4})
	subtotal := 0
	for line := 1; line <= lines; line++ {
		i := d.r.weighted(weights)
		weights[i] = 0 // distinct products per order
		p := d.products[i]
		qty := 1 + d.r.weighted([]int{70, 20, 10})
		if o.customer.business {
			qty = 1 + d.r.weighted([]int{30, 25, 15, 10, 10, 10})
		}
		price := p.price
		if d.r.percent(12) {
			price = price * 85 / 100
		}
		subtotal += qty * price
		d.itemRows = append(d.itemRows, []driver.Value{int32(o.id), int32(line), int32(p.id),
			int32(qty), int64(price), int64(qty * price)})
	}
	return subtotal
}

type demoCarrier struct {
	name          string
	minHrs, maxHr int
}

var carriers = []demoCarrier{{"UPS", 40, 100}, {"FedEx", 24, 76}, {"DHL", 60, 150}, {"USPS", 70, 170}}

func (d *demoData) pickCarrier(country string) demoCarrier {
	switch country {
	case "US":
		return carriers[d.r.weighted([]int{35, 25, 0, 40})]
	case "CA":
		return carriers[d.r.weighted([]int{40, 40, 20, 0})]
	}
	return carriers[d.r.weighted([]int{30, 15, 55, 0})]
}

// genFulfilment decides the order's status from where its (simulated)
// shipment is at demoEnd, and appends the shipment.
func (d *demoData) genFulfilment(o *demoOrder) {
	if d.r.percent(5) {
		o.status = "cancelled"
		return
	}
	shipped := o.at.Add(time.Duration(d.r.between(4, 60)) * time.Hour)
	c := d.pickCarrier(o.customer.country)
	delivered := shipped.Add(time.Duration(d.r.between(c.minHrs, c.maxHr))*time.Hour +
		time.Duration(d.r.intn(3600))*time.Second)
	switch {
	case shipped.After(demoEnd) && o.at.After(demoEnd.Add(-24*time.Hour)):
		o.status = "pending"
		return
	case shipped.After(demoEnd):
		o.status = "processing"
		return
	}
	var deliveredAt driver.Value = delivered
	status := "delivered"
	o.status = status
	switch {
	case delivered.After(demoEnd):
		o.status, status, deliveredAt = "shipped", "in_transit", nil
	case delivered.Before(demoEnd.AddDate(0, 0, -45)) && d.r.percent(6):
		o.status, status = "returned", "returned"
	}
	id := len(d.shipRow) + 1
	d.shipRow = append(d.shipRow, []driver.Value{int32(id), int32(o.id), c.name, d.tracking(c.name),
		shipped, deliveredAt, status})
}

func (d *demoData) tracking(carrier string) string {
	prefix, digits := "", 12 // FedEx
	switch carrier {
	case "DHL":
		digits = 10
	case "USPS":
		prefix, digits = "94", 20
	case "UPS":
		prefix, digits = "1Z", 16
	}
	var sb strings.Builder
	sb.WriteString(prefix)
	for range digits {
		sb.WriteByte(byte('0' + d.r.intn(10)))
	}
	return sb.String()
}

// genPayments appends the payments of an order: sometimes a failed attempt
// first, a capture, and a refund for cancelled or returned orders.
func (d *demoData) genPayments(o demoOrder) {
	if o.status == "pending" {
		return
	}
	methods := []string{"card", "paypal", "apple_pay", "bank_transfer", "gift_card"}
	weights := []int{52, 22, 12, 9, 5}
	if o.customer.business {
		weights = []int{45, 10, 0, 45, 0}
	}
	method := methods[d.r.weighted(weights)]
	paid := o.at.Add(time.Duration(d.r.between(1, 30)) * time.Minute)
	if method == "bank_transfer" {
		paid = paid.Add(time.Duration(d.r.between(20, 72)) * time.Hour)
	}
	if d.r.percent(3) || (o.status == "cancelled" && d.r.percent(50)) {
		d.addPayment(o, o.at.Add(time.Minute), method, "failed", o.total)
		if o.status == "cancelled" {
			return
		}
	}
	d.addPayment(o, paid, method, "captured", o.total)
	switch o.status {
	case "cancelled":
		d.addPayment(o, paid.Add(time.Duration(d.r.between(2, 48))*time.Hour), method, "refunded", o.total)
	case "returned":
		refundAt := o.at.Add(time.Duration(d.r.between(12*24, 40*24)) * time.Hour)
		d.addPayment(o, refundAt, method, "refunded", o.total-o.shipping)
	}
}

func (d *demoData) addPayment(o demoOrder, at time.Time, method, status string, cents int) {
	id := len(d.paymentRows) + 1
	d.paymentRows = append(d.paymentRows, []driver.Value{int32(id), int32(o.id), at, method, status, int64(cents)})
}
