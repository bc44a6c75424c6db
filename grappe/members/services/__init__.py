"""Every write that matters to members' data: check the permission, one transaction, an audit entry, a
notification. Callers import the module of the subject (`from grappe.members.services import people`, then
`people.save_person(...)`):

  organisations   create and update an organisation; set and remove its capabilities
  certifications  an organisation's certifications, and the reminder mailed before one expires
  people          an organisation's people, the address check, invitations (the person's account follows)
  colleague_requests  what an organisation's admin asks a colleague to do; done or withdrawn
  accounts        a user's role in the cluster and interface language
  taxonomy        the capability taxonomy: edit a node, load a taxonomy file
  segments        saved sets of organisations
  imports         the spreadsheet import (a package: files, columns, rows, plan, write)
  fields          which fields of an organisation or person the services write
"""
