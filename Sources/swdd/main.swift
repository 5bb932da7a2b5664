import SwddCLI

SwddCommandLine.main()
