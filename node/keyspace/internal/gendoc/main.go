// Command gendoc prints keyspace.Table as the markdown table of
// docs/redis-keys.md (paste it over the old one); with -rust, the Rust
// LiveNode's table (keyspace.TableFor(node.Rust)), the doc's second one.
package main

import (
	"flag"
	"fmt"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
)

func main() {
	rust := flag.Bool("rust", false, "print the Rust LiveNode's table")
	flag.Parse()
	table, head := keyspace.Table, "| key after `trader-{trader_id}[:{instance_id}]:` |"
	if *rust {
		table, head = keyspace.TableFor(node.Rust), "| key (Rust LiveNode) after `trader-{trader_id}[:{instance_id}]:` |"
	}
	fmt.Println(head + " Redis type | written with | read at startup | value | an rbench run writes it |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, e := range table {
		fmt.Printf("| `%s` | %s | %s | %s | %s | %s |\n", e.Pattern, e.Type, e.Write, e.Read, e.Value, e.When)
	}
}
