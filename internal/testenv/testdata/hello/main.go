// Command hello is a trivial main package that testenv's tests build with
// BuildBinary.
package main

import "fmt"

func main() { fmt.Println("hello from testenv") }
