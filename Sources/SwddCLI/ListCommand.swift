import ArgumentParser

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List disks and images like fdisk -l.")
    func run() throws {}
}
