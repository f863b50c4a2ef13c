// Command gendoc prints keyspace.Table as the markdown table of
// docs/redis-keys.md (paste it over the old one).
package main

import (
	"fmt"

	"github.com/rbench/rbench/node/keyspace"
)

func main() {
	fmt.Println("| key after `trader-{trader_id}[:{instance_id}]:` | Redis type | written with | read at startup | value | an rbench run writes it |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, e := range keyspace.Table {
		fmt.Printf("| `%s` | %s | %s | %s | %s | %s |\n", e.Pattern, e.Type, e.Write, e.Read, e.Value, e.When)
	}
}
