# ruff: noqa: E501
"""The lab BMC's Redfish resources: DMTF's published mockup ``public-localstorage``.

Source: github.com/DMTF/Redfish-Publications, mockups/public-localstorage at commit 26c94965
(release 2025.4), one resource per ``/redfish/v1/...`` path, with ``$metadata`` as published.
Changed for the lab: what DMTF's service validator rejects in the published files is put
right (the mockup-only ``@Redfish.Copyright`` annotation is dropped; two Ids, three action
targets, two task times, the roles' ``RoleId`` and a subscription's type made valid); the
one power supply (published in ``Warning``) is healthy and has a
twin in bay 2 (a redundant pair, like the estate's models); the static sample session is gone
(sessions are the server's own); the service does not claim ``$expand``/``only``/excerpts.
Faults (``bmc_faults.py``) are applied on the fly to a copy, never here.

The mockup is DMTF's and carries its licence:

BSD 3-Clause License

Copyright (c) 2014-2025, Contributing Member(s) of Distributed Management Task
Force, Inc.. All rights reserved.

Redistribution and use in source and binary forms, with or without modification,
are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
this list of conditions and the following disclaimer in the documentation and/or
other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors
may be used to endorse or promote products derived from this software without
specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR
ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
(INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

RESOURCES_JSON = r'''{
 "/redfish/v1/AccountService/Accounts/1": {
  "@odata.type": "#ManagerAccount.v1_14_1.ManagerAccount",
  "Id": "1",
  "Name": "User Account",
  "Description": "User Account",
  "Enabled": true,
  "Password": null,
  "PasswordChangeRequired": false,
  "AccountTypes": [
   "Redfish"
  ],
  "UserName": "Administrator",
  "RoleId": "Administrator",
  "Locked": false,
  "Links": {
   "Role": {
    "@odata.id": "/redfish/v1/AccountService/Roles/Administrator"
   }
  },
  "@odata.id": "/redfish/v1/AccountService/Accounts/1"
 },
 "/redfish/v1/AccountService/Accounts": {
  "@odata.type": "#ManagerAccountCollection.ManagerAccountCollection",
  "Name": "Accounts Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/AccountService/Accounts/1"
   }
  ],
  "@odata.id": "/redfish/v1/AccountService/Accounts"
 },
 "/redfish/v1/AccountService/Roles/Administrator": {
  "@odata.type": "#Role.v1_3_3.Role",
  "Id": "Administrator",
  "Name": "User Role",
  "Description": "Admin User Role",
  "IsPredefined": true,
  "AssignedPrivileges": [
   "Login",
   "ConfigureManager",
   "ConfigureUsers",
   "ConfigureSelf",
   "ConfigureComponents"
  ],
  "OemPrivileges": [
   "OemClearLog",
   "OemPowerControl"
  ],
  "@odata.id": "/redfish/v1/AccountService/Roles/Administrator",
  "RoleId": "Administrator"
 },
 "/redfish/v1/AccountService/Roles/Operator": {
  "@odata.type": "#Role.v1_3_3.Role",
  "Id": "Operator",
  "Name": "User Role",
  "Description": "Operator User Role",
  "IsPredefined": true,
  "AssignedPrivileges": [
   "Login",
   "ConfigureSelf",
   "ConfigureComponents"
  ],
  "OemPrivileges": [],
  "@odata.id": "/redfish/v1/AccountService/Roles/Operator",
  "RoleId": "Operator"
 },
 "/redfish/v1/AccountService/Roles/ReadOnly": {
  "@odata.type": "#Role.v1_3_3.Role",
  "Id": "ReadOnly",
  "Name": "User Role",
  "Description": "ReadOnly User Role",
  "IsPredefined": true,
  "AssignedPrivileges": [
   "Login",
   "ConfigureSelf"
  ],
  "OemPrivileges": [],
  "@odata.id": "/redfish/v1/AccountService/Roles/ReadOnly",
  "RoleId": "ReadOnly"
 },
 "/redfish/v1/AccountService/Roles": {
  "@odata.type": "#RoleCollection.RoleCollection",
  "Name": "Roles Collection",
  "Members@odata.count": 3,
  "Members": [
   {
    "@odata.id": "/redfish/v1/AccountService/Roles/Administrator"
   },
   {
    "@odata.id": "/redfish/v1/AccountService/Roles/Operator"
   },
   {
    "@odata.id": "/redfish/v1/AccountService/Roles/ReadOnly"
   }
  ],
  "@odata.id": "/redfish/v1/AccountService/Roles"
 },
 "/redfish/v1/AccountService": {
  "@odata.type": "#AccountService.v1_18_1.AccountService",
  "Id": "AccountService",
  "Name": "Account Service",
  "Description": "Account Service",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "ServiceEnabled": true,
  "AuthFailureLoggingThreshold": 3,
  "MinPasswordLength": 8,
  "AccountLockoutThreshold": 5,
  "AccountLockoutDuration": 30,
  "AccountLockoutCounterResetAfter": 30,
  "AccountLockoutCounterResetEnabled": true,
  "Accounts": {
   "@odata.id": "/redfish/v1/AccountService/Accounts"
  },
  "Roles": {
   "@odata.id": "/redfish/v1/AccountService/Roles"
  },
  "@odata.id": "/redfish/v1/AccountService"
 },
 "/redfish/v1/Chassis/1U/Drives/32ADF365C6C1B7BD": {
  "@odata.type": "#Drive.v1_22_0.Drive",
  "Id": "32ADF365C6C1B7BD",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234570",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "32ADF365C6C1B7BD"
   }
  ],
  "HotspareType": "Global",
  "HotspareReplacementMode": "Revertible",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Chassis/1U/Drives/32ADF365C6C1B7BD/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Chassis/1U/Drives/32ADF365C6C1B7BD"
 },
 "/redfish/v1/Chassis/1U/Drives/35D38F11ACEF7BD3": {
  "@odata.type": "#Drive.v1_22_0.Drive",
  "Id": "35D38F11ACEF7BD3",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234567",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "35D38F11ACEF7BD3"
   }
  ],
  "HotspareType": "None",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Links": {
   "Volumes": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1"
    }
   ]
  },
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Chassis/1U/Drives/35D38F11ACEF7BD3/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Chassis/1U/Drives/35D38F11ACEF7BD3"
 },
 "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2": {
  "@odata.type": "#Drive.v1_22_0.Drive",
  "Id": "3D58ECBC375FD9F2",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234568",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "32ADF365C6C1B7BD"
   }
  ],
  "HotspareType": "None",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Links": {
   "Volumes": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/2"
    },
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/3"
    }
   ]
  },
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2"
 },
 "/redfish/v1/Chassis/1U/Drives/3F5A8C54207B7233": {
  "@odata.type": "#Drive.v1_22_0.Drive",
  "Id": "3F5A8C54207B7233",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234569",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "3F5A8C54207B7233"
   }
  ],
  "HotspareType": "None",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Links": {
   "Volumes": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1"
    }
   ]
  },
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Chassis/1U/Drives/3F5A8C54207B7233/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Chassis/1U/Drives/3F5A8C54207B7233"
 },
 "/redfish/v1/Chassis/1U/Drives": {
  "@odata.type": "#DriveCollection.DriveCollection",
  "Name": "Drive Collection",
  "Members@odata.count": 4,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/35D38F11ACEF7BD3"
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/3F5A8C54207B7233"
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/32ADF365C6C1B7BD"
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2"
   }
  ],
  "@odata.id": "/redfish/v1/Chassis/1U/Drives"
 },
 "/redfish/v1/Chassis/1U/Power": {
  "@odata.type": "#Power.v1_7_3.Power",
  "Id": "Power",
  "Name": "Power",
  "PowerControl": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Power#/PowerControl/0",
    "MemberId": "0",
    "Name": "Server Power Control",
    "PowerConsumedWatts": 344,
    "PowerRequestedWatts": 800,
    "PowerAvailableWatts": 0,
    "PowerCapacityWatts": 800,
    "PowerAllocatedWatts": 800,
    "PowerMetrics": {
     "IntervalInMin": 30,
     "MinConsumedWatts": 271,
     "MaxConsumedWatts": 489,
     "AverageConsumedWatts": 319
    },
    "PowerLimit": {
     "LimitInWatts": 500,
     "LimitException": "LogEventOnly",
     "CorrectionInMs": 50
    },
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2"
     },
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ],
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    }
   }
  ],
  "Voltages": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Power#/Voltages/0",
    "MemberId": "0",
    "Name": "VRM1 Voltage",
    "SensorNumber": 11,
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "ReadingVolts": 12,
    "UpperThresholdNonCritical": 12.5,
    "UpperThresholdCritical": 13,
    "UpperThresholdFatal": 15,
    "LowerThresholdNonCritical": 11.5,
    "LowerThresholdCritical": 11,
    "LowerThresholdFatal": 10,
    "MinReadingRange": 0,
    "MaxReadingRange": 20,
    "PhysicalContext": "VoltageRegulator",
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2"
     },
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ]
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Power#/Voltages/1",
    "MemberId": "1",
    "Name": "VRM2 Voltage",
    "SensorNumber": 12,
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "ReadingVolts": 5,
    "UpperThresholdNonCritical": 5.5,
    "UpperThresholdCritical": 7,
    "LowerThresholdNonCritical": 4.75,
    "LowerThresholdCritical": 4.5,
    "MinReadingRange": 0,
    "MaxReadingRange": 20,
    "PhysicalContext": "VoltageRegulator",
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2"
     },
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ]
   }
  ],
  "PowerSupplies": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Power#/PowerSupplies/0",
    "MemberId": "0",
    "Name": "Power Supply Bay 1",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "PowerSupplyType": "AC",
    "LineInputVoltageType": "ACWideRange",
    "LineInputVoltage": 120,
    "PowerCapacityWatts": 800,
    "LastPowerOutputWatts": 325,
    "Model": "499253-B21",
    "Manufacturer": "ManufacturerName",
    "FirmwareVersion": "1.00",
    "SerialNumber": "1Z0000001",
    "PartNumber": "0000001A3A",
    "SparePartNumber": "0000001A3A",
    "InputRanges": [
     {
      "InputType": "AC",
      "MinimumVoltage": 100,
      "MaximumVoltage": 120,
      "OutputWattage": 800
     },
     {
      "InputType": "AC",
      "MinimumVoltage": 200,
      "MaximumVoltage": 240,
      "OutputWattage": 1300
     }
    ],
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ]
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Power#/PowerSupplies/1",
    "MemberId": "1",
    "Name": "Power Supply Bay 2",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "PowerSupplyType": "AC",
    "LineInputVoltageType": "ACWideRange",
    "LineInputVoltage": 120,
    "PowerCapacityWatts": 800,
    "LastPowerOutputWatts": 325,
    "Model": "499253-B21",
    "Manufacturer": "ManufacturerName",
    "FirmwareVersion": "1.00",
    "SerialNumber": "1Z0000002",
    "PartNumber": "0000001A3A",
    "SparePartNumber": "0000001A3A",
    "InputRanges": [
     {
      "InputType": "AC",
      "MinimumVoltage": 100,
      "MaximumVoltage": 120,
      "OutputWattage": 800
     },
     {
      "InputType": "AC",
      "MinimumVoltage": 200,
      "MaximumVoltage": 240,
      "OutputWattage": 1300
     }
    ],
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ]
   }
  ],
  "@odata.id": "/redfish/v1/Chassis/1U/Power"
 },
 "/redfish/v1/Chassis/1U/Thermal": {
  "@odata.type": "#Thermal.v1_7_3.Thermal",
  "Id": "Thermal",
  "Name": "Thermal",
  "Temperatures": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Temperatures/0",
    "MemberId": "0",
    "Name": "CPU1 Temp",
    "SensorNumber": 5,
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "ReadingCelsius": 41,
    "UpperThresholdNonCritical": 42,
    "UpperThresholdCritical": 45,
    "UpperThresholdFatal": 48,
    "MinReadingRangeTemp": 0,
    "MaxReadingRangeTemp": 60,
    "PhysicalContext": "CPU",
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors/CPU1"
     }
    ]
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Temperatures/1",
    "MemberId": "1",
    "Name": "CPU2 Temp",
    "SensorNumber": 6,
    "Status": {
     "State": "Disabled"
    },
    "UpperThresholdNonCritical": 42,
    "UpperThresholdCritical": 45,
    "UpperThresholdFatal": 48,
    "MinReadingRangeTemp": 0,
    "MaxReadingRangeTemp": 60,
    "PhysicalContext": "CPU",
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors/CPU2"
     }
    ]
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Temperatures/2",
    "MemberId": "2",
    "Name": "Chassis Intake Temp",
    "SensorNumber": 9,
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "ReadingCelsius": 25,
    "UpperThresholdNonCritical": 30,
    "UpperThresholdCritical": 40,
    "UpperThresholdFatal": 50,
    "LowerThresholdNonCritical": 10,
    "LowerThresholdCritical": 5,
    "LowerThresholdFatal": 0,
    "MinReadingRangeTemp": 0,
    "MaxReadingRangeTemp": 60,
    "PhysicalContext": "Intake",
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     },
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2"
     }
    ]
   }
  ],
  "Fans": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Fans/0",
    "MemberId": "0",
    "Name": "BaseBoard System Fan",
    "PhysicalContext": "Backplane",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "Reading": 2100,
    "ReadingUnits": "RPM",
    "LowerThresholdFatal": 0,
    "MinReadingRange": 0,
    "MaxReadingRange": 5000,
    "Redundancy": [
     {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Redundancy/0"
     }
    ],
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2"
     },
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ]
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Fans/1",
    "MemberId": "1",
    "Name": "BaseBoard System Fan Backup",
    "PhysicalContext": "Backplane",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "Reading": 2050,
    "ReadingUnits": "RPM",
    "LowerThresholdFatal": 0,
    "MinReadingRange": 0,
    "MaxReadingRange": 5000,
    "Redundancy": [
     {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Redundancy/0"
     }
    ],
    "RelatedItem": [
     {
      "@odata.id": "/redfish/v1/Systems/437XR1138R2"
     },
     {
      "@odata.id": "/redfish/v1/Chassis/1U"
     }
    ]
   }
  ],
  "Redundancy": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Redundancy/0",
    "MemberId": "0",
    "Name": "BaseBoard System Fans",
    "RedundancySet": [
     {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Fans/0"
     },
     {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal#/Fans/1"
     }
    ],
    "Mode": "N+m",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "MinNumNeeded": 1,
    "MaxNumSupported": 2
   }
  ],
  "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
 },
 "/redfish/v1/Chassis/1U": {
  "@odata.type": "#Chassis.v1_28_0.Chassis",
  "Id": "1U",
  "Name": "Computer System Chassis",
  "ChassisType": "RackMount",
  "AssetTag": "Chicago-45Z-2381",
  "Manufacturer": "Contoso",
  "Model": "3500RX",
  "SKU": "8675309",
  "SerialNumber": "437XR1138R2",
  "PartNumber": "224071-J23",
  "PowerState": "On",
  "IndicatorLED": "Lit",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "Thermal": {
   "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
  },
  "Power": {
   "@odata.id": "/redfish/v1/Chassis/1U/Power"
  },
  "Drives": {
   "@odata.id": "/redfish/v1/Chassis/1U/Drives"
  },
  "Links": {
   "ComputerSystems": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2"
    }
   ],
   "ManagedBy": [
    {
     "@odata.id": "/redfish/v1/Managers/BMC"
    }
   ],
   "ManagersInChassis": [
    {
     "@odata.id": "/redfish/v1/Managers/BMC"
    }
   ]
  },
  "@odata.id": "/redfish/v1/Chassis/1U"
 },
 "/redfish/v1/Chassis": {
  "@odata.type": "#ChassisCollection.ChassisCollection",
  "Name": "Chassis Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U"
   }
  ],
  "@odata.id": "/redfish/v1/Chassis"
 },
 "/redfish/v1/EventService/SubmitTestEventActionInfo": {
  "@odata.type": "#ActionInfo.v1_5_0.ActionInfo",
  "Id": "SubmitTestEventActionInfo",
  "Name": "SubmitTestEvent Action Info",
  "Parameters": [
   {
    "Name": "EventType",
    "Required": false,
    "DataType": "String",
    "AllowableValues": [
     "StatusChange",
     "ResourceUpdated",
     "ResourceAdded",
     "ResourceRemoved",
     "Alert",
     "Other"
    ]
   },
   {
    "Name": "EventId",
    "Required": false,
    "DataType": "String"
   },
   {
    "Name": "EventTimestamp",
    "Required": false,
    "DataType": "String"
   },
   {
    "Name": "Severity",
    "Required": false,
    "DataType": "String"
   },
   {
    "Name": "Message",
    "Required": false,
    "DataType": "String"
   },
   {
    "Name": "MessageId",
    "Required": true,
    "DataType": "String"
   },
   {
    "Name": "MessageArgs",
    "Required": false,
    "DataType": "StringArray"
   },
   {
    "Name": "OriginOfCondition",
    "Required": false,
    "DataType": "String"
   },
   {
    "Name": "EventGroupId",
    "Required": false,
    "DataType": "Number"
   }
  ],
  "@odata.id": "/redfish/v1/EventService/SubmitTestEventActionInfo"
 },
 "/redfish/v1/EventService/Subscriptions/1": {
  "@odata.type": "#EventDestination.v1_16_0.EventDestination",
  "Id": "1",
  "Name": "EventSubscription 1",
  "Destination": "http://www.dnsname.com/Destination1",
  "EventTypes": [
   "Alert"
  ],
  "Context": "WebUser3",
  "Protocol": "Redfish",
  "@odata.id": "/redfish/v1/EventService/Subscriptions/1",
  "SubscriptionType": "RedfishEvent"
 },
 "/redfish/v1/EventService/Subscriptions": {
  "@odata.type": "#EventDestinationCollection.EventDestinationCollection",
  "Name": "Event Subscriptions Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/EventService/Subscriptions/1"
   }
  ],
  "@odata.id": "/redfish/v1/EventService/Subscriptions"
 },
 "/redfish/v1/EventService": {
  "@odata.type": "#EventService.v1_12_0.EventService",
  "Id": "EventService",
  "Name": "Event Service",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "ServiceEnabled": true,
  "DeliveryRetryAttempts": 3,
  "DeliveryRetryIntervalSeconds": 60,
  "EventTypesForSubscription": [
   "StatusChange",
   "ResourceUpdated",
   "ResourceAdded",
   "ResourceRemoved",
   "Alert"
  ],
  "Subscriptions": {
   "@odata.id": "/redfish/v1/EventService/Subscriptions"
  },
  "Actions": {
   "#EventService.SubmitTestEvent": {
    "target": "/redfish/v1/EventService/Actions/EventService.SubmitTestEvent",
    "@Redfish.ActionInfo": "/redfish/v1/EventService/SubmitTestEventActionInfo"
   }
  },
  "@odata.id": "/redfish/v1/EventService"
 },
 "/redfish/v1/Managers/BMC/EthernetInterfaces/Dedicated/SD": {
  "@odata.type": "#EthernetInterface.v1_12_4.EthernetInterface",
  "Id": "SD",
  "Name": "Manager Ethernet Interface",
  "Description": "Management Network Interface",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "LinkStatus": "LinkUp",
  "InterfaceEnabled": true,
  "PermanentMACAddress": "23:11:8A:33:CF:EA",
  "MACAddress": "23:11:8A:33:CF:EA",
  "SpeedMbps": 100,
  "AutoNeg": true,
  "FullDuplex": true,
  "MTUSize": 1500,
  "HostName": "web483-bmc",
  "FQDN": "web483-bmc.dmtf.org",
  "MaxIPv6StaticAddresses": 1,
  "VLAN": {
   "VLANEnable": true,
   "VLANId": 101
  },
  "IPv4Addresses": [
   {
    "Address": "192.168.0.10",
    "SubnetMask": "255.255.252.0",
    "AddressOrigin": "DHCP",
    "Gateway": "192.168.0.1"
   }
  ],
  "IPv6AddressPolicyTable": [
   {
    "Prefix": "::1/128",
    "Precedence": 50,
    "Label": 0
   }
  ],
  "IPv6StaticAddresses": [
   {
    "Address": "fe80::1ec1:deff:fe6f:1e24",
    "PrefixLength": 16
   }
  ],
  "IPv6DefaultGateway": "fe80::1ec1:deff:fe6f:1e24",
  "IPv6Addresses": [
   {
    "Address": "fe80::1ec1:deff:fe6f:1e24",
    "PrefixLength": 64,
    "AddressOrigin": "SLAAC",
    "AddressState": "Preferred"
   }
  ],
  "NameServers": [
   "names.dmtf.org"
  ],
  "@odata.id": "/redfish/v1/Managers/BMC/EthernetInterfaces/Dedicated/SD"
 },
 "/redfish/v1/Managers/BMC/EthernetInterfaces/Dedicated": {
  "@odata.type": "#EthernetInterface.v1_12_4.EthernetInterface",
  "Id": "Dedicated",
  "Name": "Manager Ethernet Interface",
  "Description": "Management Network Interface",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "LinkStatus": "LinkUp",
  "InterfaceEnabled": true,
  "PermanentMACAddress": "23:11:8A:33:CF:EA",
  "MACAddress": "23:11:8A:33:CF:EA",
  "SpeedMbps": 100,
  "AutoNeg": true,
  "FullDuplex": true,
  "MTUSize": 1500,
  "HostName": "web483-bmc",
  "FQDN": "web483-bmc.dmtf.org",
  "MaxIPv6StaticAddresses": 1,
  "VLAN": {
   "VLANEnable": true,
   "VLANId": 101
  },
  "IPv4Addresses": [
   {
    "Address": "192.168.0.10",
    "SubnetMask": "255.255.252.0",
    "AddressOrigin": "DHCP",
    "Gateway": "192.168.0.1"
   }
  ],
  "IPv6AddressPolicyTable": [
   {
    "Prefix": "::1/128",
    "Precedence": 50,
    "Label": 0
   }
  ],
  "IPv6StaticAddresses": [
   {
    "Address": "fe80::1ec1:deff:fe6f:1e24",
    "PrefixLength": 16
   }
  ],
  "IPv6DefaultGateway": "fe80::1ec1:deff:fe6f:1e24",
  "IPv6Addresses": [
   {
    "Address": "fe80::1ec1:deff:fe6f:1e24",
    "PrefixLength": 64,
    "AddressOrigin": "SLAAC",
    "AddressState": "Preferred"
   }
  ],
  "NameServers": [
   "names.dmtf.org"
  ],
  "@Redfish.Settings": {
   "@odata.type": "#Settings.v1_4_0.Settings",
   "SettingsObject": {
    "@odata.id": "/redfish/v1/Managers/BMC/EthernetInterfaces/Dedicated/SD"
   },
   "Time": "2012-03-07T14:44.30-05:00",
   "ETag": "84ffcbb050ddc7fa9cddb59014546e59",
   "Messages": [
    {
     "MessageId": "Base.1.0.SettingsFailed",
     "RelatedProperties": [
      "/IPv6Addresses/PrefixLength"
     ]
    }
   ]
  },
  "@odata.id": "/redfish/v1/Managers/BMC/EthernetInterfaces/Dedicated"
 },
 "/redfish/v1/Managers/BMC/EthernetInterfaces": {
  "@odata.type": "#EthernetInterfaceCollection.EthernetInterfaceCollection",
  "Name": "Ethernet Network Interface Collection",
  "Description": "Collection of EthernetInterfaces for this Manager",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Managers/BMC/EthernetInterfaces/Dedicated"
   }
  ],
  "@odata.id": "/redfish/v1/Managers/BMC/EthernetInterfaces"
 },
 "/redfish/v1/Managers/BMC/LogServices/Log/Entries/1": {
  "@odata.type": "#LogEntry.v1_21_0.LogEntry",
  "Id": "1",
  "Name": "Log Entry 1",
  "EntryType": "Event",
  "Severity": "Critical",
  "Created": "2012-03-07T14:44:00Z",
  "SensorNumber": 1,
  "Message": "System May be Melting",
  "MessageId": "Event.1.0.TempWayTooHot",
  "MessageArgs": [
   "88"
  ],
  "Links": {
   "OriginOfCondition": {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
   }
  },
  "@odata.id": "/redfish/v1/Managers/BMC/LogServices/Log/Entries/1"
 },
 "/redfish/v1/Managers/BMC/LogServices/Log/Entries": {
  "@odata.type": "#LogEntryCollection.LogEntryCollection",
  "Name": "Log Service Collection",
  "Description": "Collection of Logs for this System",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Managers/BMC/LogServices/Log/Entries/1",
    "@odata.type": "#LogEntry.v1_21_0.LogEntry",
    "Id": "1",
    "Name": "Log Entry 1",
    "EntryType": "Event",
    "Severity": "Critical",
    "Created": "2012-03-07T14:44:00Z",
    "SensorNumber": 1,
    "Message": "System May be Melting",
    "MessageId": "Event.1.0.TempWayTooHot",
    "MessageArgs": [
     "88"
    ],
    "Links": {
     "OriginOfCondition": {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
     }
    }
   }
  ],
  "@odata.id": "/redfish/v1/Managers/BMC/LogServices/Log/Entries"
 },
 "/redfish/v1/Managers/BMC/LogServices/Log": {
  "@odata.type": "#LogService.v1_9_0.LogService",
  "Id": "Log",
  "Name": "System Log Service",
  "MaxNumberOfRecords": 1000,
  "OverWritePolicy": "WrapsWhenFull",
  "DateTime": "2015-03-13T04:14:33+06:00",
  "DateTimeLocalOffset": "+06:00",
  "ServiceEnabled": true,
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "Actions": {
   "#LogService.ClearLog": {
    "target": "/redfish/v1/Managers/BMC/LogServices/Log/Actions/LogService.ClearLog"
   }
  },
  "Entries": {
   "@odata.id": "/redfish/v1/Managers/BMC/LogServices/Log/Entries"
  },
  "@odata.id": "/redfish/v1/Managers/BMC/LogServices/Log"
 },
 "/redfish/v1/Managers/BMC/LogServices": {
  "@odata.type": "#LogServiceCollection.LogServiceCollection",
  "Name": "Log Service Collection",
  "Description": "Collection of Log Services for this Manager",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Managers/BMC/LogServices/Log"
   }
  ],
  "@odata.id": "/redfish/v1/Managers/BMC/LogServices"
 },
 "/redfish/v1/Managers/BMC/NetworkProtocol": {
  "@odata.type": "#ManagerNetworkProtocol.v1_12_0.ManagerNetworkProtocol",
  "Id": "NetworkProtocol",
  "Name": "Manager Network Protocol",
  "Description": "Manager Network Service",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "HostName": "web483-bmc",
  "FQDN": "web483-bmc.dmtf.org",
  "HTTP": {
   "ProtocolEnabled": true,
   "Port": 80
  },
  "HTTPS": {
   "ProtocolEnabled": true,
   "Port": 443
  },
  "IPMI": {
   "ProtocolEnabled": true,
   "Port": 623
  },
  "SSH": {
   "ProtocolEnabled": true,
   "Port": 22
  },
  "SNMP": {
   "ProtocolEnabled": true,
   "Port": 161
  },
  "VirtualMedia": {
   "ProtocolEnabled": true,
   "Port": 17988
  },
  "SSDP": {
   "ProtocolEnabled": true,
   "Port": 1900,
   "NotifyMulticastIntervalSeconds": 600,
   "NotifyTTL": 5,
   "NotifyIPv6Scope": "Site"
  },
  "Telnet": {
   "ProtocolEnabled": true,
   "Port": 23
  },
  "KVMIP": {
   "ProtocolEnabled": true,
   "Port": 5288
  },
  "@odata.id": "/redfish/v1/Managers/BMC/NetworkProtocol"
 },
 "/redfish/v1/Managers/BMC/SerialInterfaces/TTY0": {
  "@odata.type": "#SerialInterface.v1_3_0.SerialInterface",
  "Id": "TTY0",
  "Name": "Manager Serial Interface 1",
  "Description": "Management for Serial Interface",
  "InterfaceEnabled": true,
  "SignalType": "Rs232",
  "BitRate": "115200",
  "Parity": "None",
  "DataBits": "8",
  "StopBits": "1",
  "FlowControl": "None",
  "ConnectorType": "RJ45",
  "PinOut": "Cyclades",
  "@odata.id": "/redfish/v1/Managers/BMC/SerialInterfaces/TTY0"
 },
 "/redfish/v1/Managers/BMC/SerialInterfaces": {
  "@odata.type": "#SerialInterfaceCollection.SerialInterfaceCollection",
  "Name": "Serial Interface Collection",
  "Description": "Collection of Serial Interfaces for this System",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Managers/BMC/SerialInterfaces/TTY0"
   }
  ],
  "@odata.id": "/redfish/v1/Managers/BMC/SerialInterfaces"
 },
 "/redfish/v1/Managers/BMC/VirtualMedia/CD1": {
  "@odata.type": "#VirtualMedia.v1_6_5.VirtualMedia",
  "Id": "CD1",
  "Name": "Virtual CD",
  "MediaTypes": [
   "CD",
   "DVD"
  ],
  "Image": "redfish.dmtf.org/freeImages/freeOS.1.1.iso",
  "ImageName": "mymedia-read-only",
  "ConnectedVia": "Applet",
  "Inserted": true,
  "WriteProtected": false,
  "@odata.id": "/redfish/v1/Managers/BMC/VirtualMedia/CD1"
 },
 "/redfish/v1/Managers/BMC/VirtualMedia/Floppy1": {
  "@odata.type": "#VirtualMedia.v1_6_5.VirtualMedia",
  "Id": "Floppy1",
  "Name": "Virtual Removable Media",
  "MediaTypes": [
   "Floppy",
   "USBStick"
  ],
  "Image": "https://www.dmtf.org/freeImages/Sardine.img",
  "ImageName": "Sardine2.1.43.35.6a",
  "ConnectedVia": "URI",
  "Inserted": true,
  "WriteProtected": false,
  "@odata.id": "/redfish/v1/Managers/BMC/VirtualMedia/Floppy1"
 },
 "/redfish/v1/Managers/BMC/VirtualMedia": {
  "@odata.type": "#VirtualMediaCollection.VirtualMediaCollection",
  "Name": "Virtual Media Services",
  "Description": "Redfish-BMC Virtual Media Service Settings",
  "Members@odata.count": 2,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Managers/BMC/VirtualMedia/Floppy1"
   },
   {
    "@odata.id": "/redfish/v1/Managers/BMC/VirtualMedia/CD1"
   }
  ],
  "@odata.id": "/redfish/v1/Managers/BMC/VirtualMedia"
 },
 "/redfish/v1/Managers/BMC": {
  "@odata.type": "#Manager.v1_24_0.Manager",
  "Id": "BMC",
  "Name": "Manager",
  "ManagerType": "BMC",
  "Description": "Contoso BMC",
  "ServiceEntryPointUUID": "92384634-2938-2342-8820-489239905423",
  "UUID": "58893887-8974-2487-2389-841168418919",
  "Model": "Joo Janta 200",
  "DateTime": "2015-03-13T04:14:33+06:00",
  "DateTimeLocalOffset": "+06:00",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "PowerState": "On",
  "GraphicalConsole": {
   "ServiceEnabled": true,
   "MaxConcurrentSessions": 2,
   "ConnectTypesSupported": [
    "KVMIP"
   ]
  },
  "SerialConsole": {
   "ServiceEnabled": true,
   "MaxConcurrentSessions": 1,
   "ConnectTypesSupported": [
    "Telnet",
    "SSH",
    "IPMI"
   ]
  },
  "CommandShell": {
   "ServiceEnabled": true,
   "MaxConcurrentSessions": 4,
   "ConnectTypesSupported": [
    "Telnet",
    "SSH"
   ]
  },
  "FirmwareVersion": "1.00",
  "NetworkProtocol": {
   "@odata.id": "/redfish/v1/Managers/BMC/NetworkProtocol"
  },
  "EthernetInterfaces": {
   "@odata.id": "/redfish/v1/Managers/BMC/EthernetInterfaces"
  },
  "SerialInterfaces": {
   "@odata.id": "/redfish/v1/Managers/BMC/SerialInterfaces"
  },
  "LogServices": {
   "@odata.id": "/redfish/v1/Managers/BMC/LogServices"
  },
  "VirtualMedia": {
   "@odata.id": "/redfish/v1/Managers/BMC/VirtualMedia"
  },
  "Links": {
   "ManagerForServers": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2"
    }
   ],
   "ManagerForChassis": [
    {
     "@odata.id": "/redfish/v1/Chassis/1U"
    }
   ],
   "ManagerInChassis": {
    "@odata.id": "/redfish/v1/Chassis/1U"
   }
  },
  "Actions": {
   "#Manager.Reset": {
    "target": "/redfish/v1/Managers/BMC/Actions/Manager.Reset",
    "ResetType@Redfish.AllowableValues": [
     "ForceRestart",
     "GracefulRestart"
    ]
   }
  },
  "@odata.id": "/redfish/v1/Managers/BMC"
 },
 "/redfish/v1/Managers": {
  "@odata.type": "#ManagerCollection.ManagerCollection",
  "Name": "Manager Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Managers/BMC"
   }
  ],
  "@odata.id": "/redfish/v1/Managers"
 },
 "/redfish/v1/SessionService/Sessions": {
  "@odata.type": "#SessionCollection.SessionCollection",
  "Name": "Session Collection",
  "Members@odata.count": 0,
  "Members": [],
  "@odata.id": "/redfish/v1/SessionService/Sessions"
 },
 "/redfish/v1/SessionService": {
  "@odata.type": "#SessionService.v1_2_0.SessionService",
  "Id": "SessionService",
  "Name": "Session Service",
  "Description": "Session Service",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "ServiceEnabled": true,
  "SessionTimeout": 30,
  "Sessions": {
   "@odata.id": "/redfish/v1/SessionService/Sessions"
  },
  "@odata.id": "/redfish/v1/SessionService"
 },
 "/redfish/v1/Systems/437XR1138R2/Bios/Settings": {
  "@odata.type": "#Bios.v1_2_3.Bios",
  "Id": "Settings",
  "Name": "BIOS Configuration Pending Settings",
  "AttributeRegistry": "BiosAttributeRegistryP89.v1_0_0",
  "Attributes": {
   "AdminPhone": "(404) 555-1212",
   "BootMode": "Uefi",
   "EmbeddedSata": "Ahci",
   "NicBoot1": "NetworkBoot",
   "NicBoot2": "NetworkBoot",
   "PowerProfile": "MaxPerf",
   "ProcCoreDisable": 0,
   "ProcHyperthreading": "Enabled",
   "ProcTurboMode": "Disabled",
   "UsbControl": "UsbEnabled"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Bios/Settings"
 },
 "/redfish/v1/Systems/437XR1138R2/Bios": {
  "@odata.type": "#Bios.v1_2_3.Bios",
  "Id": "Bios",
  "Name": "BIOS Configuration Current Settings",
  "AttributeRegistry": "BiosAttributeRegistryP89.v1_0_0",
  "Attributes": {
   "AdminPhone": "",
   "BootMode": "Uefi",
   "EmbeddedSata": "Raid",
   "NicBoot1": "NetworkBoot",
   "NicBoot2": "Disabled",
   "PowerProfile": "MaxPerf",
   "ProcCoreDisable": 0,
   "ProcHyperthreading": "Enabled",
   "ProcTurboMode": "Enabled",
   "UsbControl": "UsbEnabled"
  },
  "@Redfish.Settings": {
   "@odata.type": "#Settings.v1_4_0.Settings",
   "ETag": "9234ac83b9700123cc32",
   "Messages": [
    {
     "MessageId": "Base.1.0.SettingsFailed",
     "RelatedProperties": [
      "/Attributes/ProcTurboMode"
     ]
    }
   ],
   "SettingsObject": {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Bios/Settings"
   },
   "Time": "2016-03-07T14:44.30-05:00"
  },
  "Actions": {
   "#Bios.ResetBios": {
    "target": "/redfish/v1/Systems/437XR1138R2/Bios/Actions/Bios.ResetBios"
   },
   "#Bios.ChangePassword": {
    "target": "/redfish/v1/Systems/437XR1138R2/Bios/Actions/Bios.ChangePassword"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Bios"
 },
 "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs/1": {
  "@odata.type": "#VLanNetworkInterface.v1_3_1.VLanNetworkInterface",
  "Id": "1",
  "Name": "VLAN Network Interface",
  "Description": "System NIC 1 VLAN",
  "VLANEnable": true,
  "VLANId": 101,
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs/1"
 },
 "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs/2": {
  "@odata.type": "#VLanNetworkInterface.v1_3_1.VLanNetworkInterface",
  "Id": "2",
  "Name": "VLAN Network Interface",
  "Description": "System NIC 1 VLAN",
  "VLANEnable": true,
  "VLANId": 199,
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs/2"
 },
 "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs": {
  "@odata.type": "#VLanNetworkInterfaceCollection.VLanNetworkInterfaceCollection",
  "Name": "VLAN Network Interface Collection",
  "Members@odata.count": 2,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs/1"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs/2"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs"
 },
 "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411": {
  "@odata.type": "#EthernetInterface.v1_12_4.EthernetInterface",
  "Id": "12446A3B0411",
  "Name": "Ethernet Interface",
  "Description": "System NIC 1",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "LinkStatus": "LinkUp",
  "PermanentMACAddress": "12:44:6A:3B:04:11",
  "MACAddress": "12:44:6A:3B:04:11",
  "SpeedMbps": 1000,
  "FullDuplex": true,
  "HostName": "web483",
  "FQDN": "web483.contoso.com",
  "IPv6DefaultGateway": "fe80::3ed9:2bff:fe34:600",
  "NameServers": [
   "names.contoso.com"
  ],
  "IPv4Addresses": [
   {
    "Address": "192.168.0.10",
    "SubnetMask": "255.255.252.0",
    "AddressOrigin": "Static",
    "Gateway": "192.168.0.1"
   }
  ],
  "IPv6Addresses": [
   {
    "Address": "fe80::1ec1:deff:fe6f:1e24",
    "PrefixLength": 64,
    "AddressOrigin": "Static",
    "AddressState": "Preferred"
   }
  ],
  "VLANs": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411/VLANs"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411"
 },
 "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B8890": {
  "@odata.type": "#EthernetInterface.v1_12_4.EthernetInterface",
  "Id": "12446A3B8890",
  "Name": "Ethernet Interface",
  "Description": "System NIC 2",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "LinkStatus": "LinkUp",
  "PermanentMACAddress": "12:44:6A:3B:88:90",
  "MACAddress": "AA:BB:CC:DD:EE:00",
  "SpeedMbps": 1000,
  "FullDuplex": true,
  "HostName": "backup-web483",
  "FQDN": "backup-web483.contoso.com",
  "IPv6DefaultGateway": "fe80::3ed9:2bff:fe34:600",
  "NameServers": [
   "names.contoso.com"
  ],
  "IPv4Addresses": [
   {
    "Address": "192.168.0.11",
    "SubnetMask": "255.255.255.0",
    "AddressOrigin": "Static",
    "Gateway": "192.168.0.1"
   }
  ],
  "IPv6Addresses": [
   {
    "Address": "fe80::1ec1:deff:fe6f:1e33",
    "PrefixLength": 64,
    "AddressOrigin": "Static",
    "AddressState": "Preferred"
   }
  ],
  "VLAN": {
   "VLANEnable": true,
   "VLANId": 101
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B8890"
 },
 "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces": {
  "@odata.type": "#EthernetInterfaceCollection.EthernetInterfaceCollection",
  "Name": "Ethernet Interface Collection",
  "Description": "System NICs on Contoso Servers",
  "Members@odata.count": 2,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B0411"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces/12446A3B8890"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces"
 },
 "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/1": {
  "@odata.type": "#LogEntry.v1_21_0.LogEntry",
  "Id": "1",
  "Name": "Log Entry 1",
  "EntryType": "SEL",
  "Severity": "Critical",
  "Created": "2012-03-07T14:44:00Z",
  "EntryCode": "Upper Critical - going high",
  "SensorType": "Temperature",
  "SensorNumber": 1,
  "Message": "Temperature threshold exceeded",
  "MessageId": "0x592A28",
  "Links": {
   "OriginOfCondition": {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/1"
 },
 "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/2": {
  "@odata.type": "#LogEntry.v1_21_0.LogEntry",
  "Id": "2",
  "Name": "Log Entry 2",
  "EntryType": "SEL",
  "Severity": "Critical",
  "Created": "2012-03-07T14:45:00Z",
  "EntryCode": "Upper Critical - going high",
  "SensorType": "Temperature",
  "SensorNumber": 2,
  "Message": "Temperature threshold exceeded",
  "MessageId": "0x592E28",
  "Links": {
   "OriginOfCondition": {
    "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/2"
 },
 "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries": {
  "@odata.type": "#LogEntryCollection.LogEntryCollection",
  "Name": "Log Service Collection",
  "Description": "Collection of Logs for this System",
  "Members@odata.count": 2,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/1",
    "@odata.type": "#LogEntry.v1_21_0.LogEntry",
    "Id": "1",
    "Name": "Log Entry 1",
    "EntryType": "SEL",
    "Severity": "Critical",
    "Created": "2012-03-07T14:44:00Z",
    "EntryCode": "Upper Critical - going high",
    "SensorType": "Temperature",
    "SensorNumber": 1,
    "Message": "Temperature threshold exceeded",
    "MessageId": "0x592A28",
    "Links": {
     "OriginOfCondition": {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
     }
    }
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries/2",
    "@odata.type": "#LogEntry.v1_21_0.LogEntry",
    "Id": "2",
    "Name": "Log Entry 2",
    "EntryType": "SEL",
    "Severity": "Critical",
    "Created": "2012-03-07T14:45:00Z",
    "EntryCode": "Upper Critical - going high",
    "SensorType": "Temperature",
    "SensorNumber": 2,
    "Message": "Temperature threshold exceeded",
    "MessageId": "0x592E28",
    "Links": {
     "OriginOfCondition": {
      "@odata.id": "/redfish/v1/Chassis/1U/Thermal"
     }
    }
   }
  ],
  "@odata.nextLink": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries?$skiptoken=2",
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries"
 },
 "/redfish/v1/Systems/437XR1138R2/LogServices/Log1": {
  "@odata.type": "#LogService.v1_9_0.LogService",
  "Id": "Log1",
  "Name": "System Log Service",
  "MaxNumberOfRecords": 1000,
  "OverWritePolicy": "WrapsWhenFull",
  "DateTime": "2015-03-13T04:14:33+06:00",
  "DateTimeLocalOffset": "+06:00",
  "ServiceEnabled": true,
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "Actions": {
   "#LogService.ClearLog": {
    "target": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Actions/LogService.ClearLog"
   }
  },
  "Entries": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1"
 },
 "/redfish/v1/Systems/437XR1138R2/LogServices": {
  "@odata.type": "#LogServiceCollection.LogServiceCollection",
  "Name": "Log Service Collection",
  "Description": "Collection of Logs for this System",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices/Log1"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices"
 },
 "/redfish/v1/Systems/437XR1138R2/Memory/DIMM1": {
  "@odata.type": "#Memory.v1_23_0.Memory",
  "Id": "DIMM1",
  "Name": "DIMM Slot 1",
  "RankCount": 2,
  "MaxTDPMilliWatts": [
   12000
  ],
  "CapacityMiB": 32768,
  "DataWidthBits": 64,
  "BusWidthBits": 72,
  "ErrorCorrection": "MultiBitECC",
  "MemoryLocation": {
   "Socket": 1,
   "MemoryController": 1,
   "Channel": 1,
   "Slot": 1
  },
  "MemoryType": "DRAM",
  "MemoryDeviceType": "DDR4",
  "BaseModuleType": "RDIMM",
  "MemoryMedia": [
   "DRAM"
  ],
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM1"
 },
 "/redfish/v1/Systems/437XR1138R2/Memory/DIMM2": {
  "@odata.type": "#Memory.v1_23_0.Memory",
  "Id": "DIMM2",
  "Name": "DIMM Slot 2",
  "RankCount": 2,
  "MaxTDPMilliWatts": [
   12000
  ],
  "CapacityMiB": 32768,
  "DataWidthBits": 64,
  "BusWidthBits": 72,
  "ErrorCorrection": "MultiBitECC",
  "MemoryLocation": {
   "Socket": 1,
   "MemoryController": 1,
   "Channel": 1,
   "Slot": 2
  },
  "MemoryType": "DRAM",
  "MemoryDeviceType": "DDR4",
  "BaseModuleType": "RDIMM",
  "MemoryMedia": [
   "DRAM"
  ],
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM2"
 },
 "/redfish/v1/Systems/437XR1138R2/Memory/DIMM3": {
  "@odata.type": "#Memory.v1_23_0.Memory",
  "Id": "DIMM3",
  "Name": "DIMM Slot 3",
  "RankCount": 2,
  "MaxTDPMilliWatts": [
   12000
  ],
  "CapacityMiB": 32768,
  "DataWidthBits": 64,
  "BusWidthBits": 72,
  "ErrorCorrection": "MultiBitECC",
  "MemoryLocation": {
   "Socket": 2,
   "MemoryController": 2,
   "Channel": 1,
   "Slot": 3
  },
  "MemoryType": "DRAM",
  "MemoryDeviceType": "DDR4",
  "BaseModuleType": "RDIMM",
  "MemoryMedia": [
   "DRAM"
  ],
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM3"
 },
 "/redfish/v1/Systems/437XR1138R2/Memory/DIMM4": {
  "@odata.type": "#Memory.v1_23_0.Memory",
  "Id": "DIMM4",
  "Name": "DIMM Slot 4",
  "MemoryLocation": {
   "Socket": 2,
   "MemoryController": 2,
   "Channel": 1,
   "Slot": 4
  },
  "Status": {
   "State": "Absent"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM4"
 },
 "/redfish/v1/Systems/437XR1138R2/Memory": {
  "@odata.type": "#MemoryCollection.MemoryCollection",
  "Name": "Memory Module Collection",
  "Members@odata.count": 4,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM1"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM2"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM3"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory/DIMM4"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory"
 },
 "/redfish/v1/Systems/437XR1138R2/Processors/CPU1": {
  "@odata.type": "#Processor.v1_22_0.Processor",
  "Id": "CPU1",
  "Name": "Processor",
  "Socket": "CPU 1",
  "ProcessorType": "CPU",
  "ProcessorArchitecture": "x86",
  "InstructionSet": "x86-64",
  "Manufacturer": "Intel(R) Corporation",
  "Model": "Multi-Core Intel(R) Xeon(R) processor 7xxx Series",
  "ProcessorId": {
   "VendorId": "GenuineIntel",
   "IdentificationRegisters": "0x34AC34DC8901274A",
   "EffectiveFamily": "0x42",
   "EffectiveModel": "0x61",
   "Step": "0x1",
   "MicrocodeInfo": "0x429943"
  },
  "MaxSpeedMHz": 3700,
  "TotalCores": 8,
  "TotalThreads": 16,
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors/CPU1"
 },
 "/redfish/v1/Systems/437XR1138R2/Processors/CPU2": {
  "@odata.type": "#Processor.v1_22_0.Processor",
  "Id": "CPU2",
  "Name": "Processor",
  "Socket": "CPU 2",
  "ProcessorType": "CPU",
  "Status": {
   "State": "Absent"
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors/CPU2"
 },
 "/redfish/v1/Systems/437XR1138R2/Processors": {
  "@odata.type": "#ProcessorCollection.ProcessorCollection",
  "Name": "Processors Collection",
  "Members@odata.count": 2,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors/CPU1"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors/CPU2"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/32ADF365C6C1B7BD": {
  "@odata.type": "#Drive.v1_21_0.Drive",
  "Id": "32ADF365C6C1B7BD",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234570",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "32ADF365C6C1B7BD"
   }
  ],
  "HotspareType": "Global",
  "HotspareReplacementMode": "Revertible",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/32ADF365C6C1B7BD/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/32ADF365C6C1B7BD"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/35D38F11ACEF7BD3": {
  "@odata.type": "#Drive.v1_21_0.Drive",
  "Id": "35D38F11ACEF7BD3",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234567",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "35D38F11ACEF7BD3"
   }
  ],
  "HotspareType": "None",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Links": {
   "Volumes": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1"
    }
   ]
  },
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/35D38F11ACEF7BD3/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/35D38F11ACEF7BD3"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3D58ECBC375FD9F2": {
  "@odata.type": "#Drive.v1_21_0.Drive",
  "Id": "3D58ECBC375FD9F2",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234568",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "32ADF365C6C1B7BD"
   }
  ],
  "HotspareType": "None",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Links": {
   "Volumes": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/2"
    },
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/3"
    }
   ]
  },
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3D58ECBC375FD9F2/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3D58ECBC375FD9F2"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3F5A8C54207B7233": {
  "@odata.type": "#Drive.v1_21_0.Drive",
  "Id": "3F5A8C54207B7233",
  "Name": "Drive Sample",
  "IndicatorLED": "Lit",
  "Model": "C123",
  "Revision": "100A",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "CapacityBytes": 899527000064,
  "FailurePredicted": false,
  "Protocol": "SAS",
  "MediaType": "HDD",
  "Manufacturer": "Contoso",
  "SerialNumber": "1234569",
  "PartNumber": "C123-1111",
  "Identifiers": [
   {
    "DurableNameFormat": "NAA",
    "DurableName": "3F5A8C54207B7233"
   }
  ],
  "HotspareType": "None",
  "EncryptionAbility": "SelfEncryptingDrive",
  "EncryptionStatus": "Unlocked",
  "RotationSpeedRPM": 15000,
  "BlockSizeBytes": 512,
  "CapableSpeedGbs": 12,
  "NegotiatedSpeedGbs": 12,
  "Links": {
   "Volumes": [
    {
     "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1"
    }
   ]
  },
  "Actions": {
   "#Drive.SecureErase": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3F5A8C54207B7233/Actions/Drive.SecureErase"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3F5A8C54207B7233"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1": {
  "@odata.type": "#Volume.v1_10_2.Volume",
  "Id": "1",
  "Name": "Virtual Disk 1",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "Encrypted": false,
  "RAIDType": "RAID1",
  "CapacityBytes": 899527000064,
  "Identifiers": [
   {
    "DurableNameFormat": "UUID",
    "DurableName": "38f1818b-111e-463a-aa19-fa54f792e468"
   }
  ],
  "Links": {
   "Drives": [
    {
     "@odata.id": "/redfish/v1/Chassis/1U/Drives/3F5A8C54207B7233"
    },
    {
     "@odata.id": "/redfish/v1/Chassis/1U/Drives/35D38F11ACEF7BD3"
    }
   ]
  },
  "Actions": {
   "#Volume.Initialize": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1/Actions/Volume.Initialize",
    "InitializeType@Redfish.AllowableValues": [
     "Fast",
     "Slow"
    ]
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/2": {
  "@odata.type": "#Volume.v1_10_2.Volume",
  "Id": "2",
  "Name": "Virtual Disk 2",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "Encrypted": false,
  "RAIDType": "RAID0",
  "CapacityBytes": 107374182400,
  "Identifiers": [
   {
    "DurableNameFormat": "UUID",
    "DurableName": "0324c96c-8031-4f5e-886c-50cd90aca854"
   }
  ],
  "Links": {
   "Drives": [
    {
     "@odata.id": "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2"
    }
   ]
  },
  "Actions": {
   "#Volume.Initialize": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/2/Actions/Volume.Initialize",
    "InitializeType@Redfish.AllowableValues": [
     "Fast",
     "Slow"
    ]
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/2"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/3": {
  "@odata.type": "#Volume.v1_10_2.Volume",
  "Id": "3",
  "Name": "Virtual Disk 3",
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "Encrypted": false,
  "RAIDType": "RAID0",
  "CapacityBytes": 107374182400,
  "Identifiers": [
   {
    "DurableNameFormat": "UUID",
    "DurableName": "eb179a30-6f87-4fdb-8f92-639eb7aaabcb"
   }
  ],
  "Links": {
   "Drives": [
    {
     "@odata.id": "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2"
    }
   ]
  },
  "Actions": {
   "#Volume.Initialize": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/3/Actions/Volume.Initialize",
    "InitializeType@Redfish.AllowableValues": [
     "Fast",
     "Slow"
    ]
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/3"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes": {
  "@odata.type": "#VolumeCollection.VolumeCollection",
  "Name": "Storage Volume Collection",
  "Description": "Storage Volume Collection",
  "Members@odata.count": 3,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/1"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/2"
   },
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes/3"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage/1": {
  "@odata.type": "#Storage.v1_21_0.Storage",
  "Id": "1",
  "Name": "Local Storage Controller",
  "Description": "Integrated RAID Controller",
  "Status": {
   "State": "Enabled",
   "Health": "OK",
   "HealthRollup": "OK"
  },
  "StorageControllers": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1#/StorageControllers/0",
    "MemberId": "0",
    "Name": "Contoso Integrated RAID",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    },
    "Identifiers": [
     {
      "DurableNameFormat": "NAA",
      "DurableName": "345C59DBD970859C"
     }
    ],
    "Manufacturer": "Contoso",
    "Model": "12Gbs Integrated RAID",
    "SerialNumber": "2M220100SL",
    "PartNumber": "CT18754",
    "SpeedGbps": 12,
    "FirmwareVersion": "1.0.0.7",
    "SupportedControllerProtocols": [
     "PCIe"
    ],
    "SupportedDeviceProtocols": [
     "SAS",
     "SATA"
    ],
    "CacheSummary": {
     "TotalCacheSizeMiB": 1024,
     "PersistentCacheSizeMiB": 1024,
     "Status": {
      "State": "Enabled",
      "Health": "OK"
     }
    }
   }
  ],
  "Drives": [
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/35D38F11ACEF7BD3"
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/3F5A8C54207B7233"
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/32ADF365C6C1B7BD"
   },
   {
    "@odata.id": "/redfish/v1/Chassis/1U/Drives/3D58ECBC375FD9F2"
   }
  ],
  "Volumes": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes"
  },
  "Actions": {
   "#Storage.SetEncryptionKey": {
    "target": "/redfish/v1/Systems/437XR1138R2/Storage/1/Actions/Storage.SetEncryptionKey"
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1"
 },
 "/redfish/v1/Systems/437XR1138R2/Storage": {
  "@odata.type": "#StorageCollection.StorageCollection",
  "Name": "Storage Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage/1"
   }
  ],
  "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage"
 },
 "/redfish/v1/Systems/437XR1138R2": {
  "@odata.type": "#ComputerSystem.v1_27_0.ComputerSystem",
  "Id": "437XR1138R2",
  "Name": "WebFrontEnd483",
  "SystemType": "Physical",
  "AssetTag": "Chicago-45Z-2381",
  "Manufacturer": "Contoso",
  "Model": "3500RX",
  "SKU": "8675309",
  "SerialNumber": "437XR1138R2",
  "PartNumber": "224071-J23",
  "Description": "Web Front End node",
  "UUID": "38947555-7742-3448-3784-823347823834",
  "HostName": "web483",
  "Status": {
   "State": "Enabled",
   "Health": "OK",
   "HealthRollup": "OK"
  },
  "HostingRoles": [
   "ApplicationServer"
  ],
  "IndicatorLED": "Off",
  "PowerState": "On",
  "Boot": {
   "BootSourceOverrideEnabled": "Once",
   "BootSourceOverrideTarget": "Pxe",
   "BootSourceOverrideTarget@Redfish.AllowableValues": [
    "None",
    "Pxe",
    "Cd",
    "Usb",
    "Hdd",
    "BiosSetup",
    "Utilities",
    "Diags",
    "SDCard",
    "UefiTarget"
   ],
   "BootSourceOverrideMode": "UEFI",
   "UefiTargetBootSourceOverride": "/0x31/0x33/0x01/0x01"
  },
  "TrustedModules": [
   {
    "FirmwareVersion": "1.13b",
    "InterfaceType": "TPM1_2",
    "Status": {
     "State": "Enabled",
     "Health": "OK"
    }
   }
  ],
  "Oem": {
   "Contoso": {
    "@odata.type": "#Contoso.ComputerSystem",
    "ProductionLocation": {
     "FacilityName": "PacWest Production Facility",
     "Country": "USA"
    }
   },
   "Chipwise": {
    "@odata.type": "#Chipwise.ComputerSystem",
    "Style": "Executive"
   }
  },
  "BiosVersion": "P79 v1.33 (02/28/2015)",
  "ProcessorSummary": {
   "Count": 2,
   "Model": "Multi-Core Intel(R) Xeon(R) processor 7xxx Series",
   "Status": {
    "State": "Enabled",
    "Health": "OK",
    "HealthRollup": "OK"
   }
  },
  "MemorySummary": {
   "TotalSystemMemoryGiB": 96,
   "TotalSystemPersistentMemoryGiB": 0,
   "MemoryMirroring": "None",
   "Status": {
    "State": "Enabled",
    "Health": "OK",
    "HealthRollup": "OK"
   }
  },
  "Bios": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/Bios"
  },
  "Processors": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/Processors"
  },
  "Memory": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/Memory"
  },
  "EthernetInterfaces": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/EthernetInterfaces"
  },
  "Storage": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/Storage"
  },
  "LogServices": {
   "@odata.id": "/redfish/v1/Systems/437XR1138R2/LogServices"
  },
  "Links": {
   "Chassis": [
    {
     "@odata.id": "/redfish/v1/Chassis/1U"
    }
   ],
   "ManagedBy": [
    {
     "@odata.id": "/redfish/v1/Managers/BMC"
    }
   ]
  },
  "Actions": {
   "#ComputerSystem.Reset": {
    "target": "/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset",
    "ResetType@Redfish.AllowableValues": [
     "On",
     "ForceOff",
     "GracefulShutdown",
     "GracefulRestart",
     "ForceRestart",
     "Nmi",
     "ForceOn",
     "PushPowerButton"
    ]
   },
   "Oem": {
    "#Contoso.Reset": {
     "target": "/redfish/v1/Systems/437XR1138R2/Oem/Contoso/Actions/Contoso.Reset"
    }
   }
  },
  "@odata.id": "/redfish/v1/Systems/437XR1138R2"
 },
 "/redfish/v1/Systems": {
  "@odata.type": "#ComputerSystemCollection.ComputerSystemCollection",
  "Name": "Computer System Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/Systems/437XR1138R2"
   }
  ],
  "@odata.id": "/redfish/v1/Systems"
 },
 "/redfish/v1/TaskService/Tasks/545": {
  "@odata.type": "#Task.v1_7_4.Task",
  "Id": "545",
  "Name": "Task 545",
  "TaskState": "Completed",
  "StartTime": "2012-03-07T14:44:00+06:00",
  "EndTime": "2012-03-07T14:45:00+06:00",
  "TaskStatus": "OK",
  "Messages": [
   {
    "MessageId": "Base.1.0.PropertyNotWritable",
    "RelatedProperties": [
     "SKU"
    ],
    "Message": "The property SKU is a read only property and cannot be assigned a value",
    "MessageArgs": [
     "SKU"
    ],
    "Severity": "Warning"
   }
  ],
  "@odata.id": "/redfish/v1/TaskService/Tasks/545"
 },
 "/redfish/v1/TaskService/Tasks": {
  "@odata.type": "#TaskCollection.TaskCollection",
  "Name": "Task Collection",
  "Members@odata.count": 1,
  "Members": [
   {
    "@odata.id": "/redfish/v1/TaskService/Tasks/545"
   }
  ],
  "@odata.id": "/redfish/v1/TaskService/Tasks"
 },
 "/redfish/v1/TaskService": {
  "@odata.type": "#TaskService.v1_3_0.TaskService",
  "Id": "TaskService",
  "Name": "Tasks Service",
  "DateTime": "2015-03-13T04:14:33+06:00",
  "CompletedTaskOverWritePolicy": "Manual",
  "LifeCycleEventOnTaskStateChange": true,
  "Status": {
   "State": "Enabled",
   "Health": "OK"
  },
  "ServiceEnabled": true,
  "Tasks": {
   "@odata.id": "/redfish/v1/TaskService/Tasks"
  },
  "@odata.id": "/redfish/v1/TaskService"
 },
 "/redfish/v1": {
  "@odata.type": "#ServiceRoot.v1_20_0.ServiceRoot",
  "Id": "RootService",
  "Name": "Root Service",
  "RedfishVersion": "1.15.0",
  "UUID": "92384634-2938-2342-8820-489239905423",
  "ProtocolFeaturesSupported": {
   "ExpandQuery": {
    "ExpandAll": false,
    "Levels": false,
    "Links": false,
    "NoLinks": false
   },
   "SelectQuery": false,
   "FilterQuery": false,
   "OnlyMemberQuery": false,
   "ExcerptQuery": false
  },
  "Systems": {
   "@odata.id": "/redfish/v1/Systems"
  },
  "Chassis": {
   "@odata.id": "/redfish/v1/Chassis"
  },
  "Managers": {
   "@odata.id": "/redfish/v1/Managers"
  },
  "Tasks": {
   "@odata.id": "/redfish/v1/TaskService"
  },
  "SessionService": {
   "@odata.id": "/redfish/v1/SessionService"
  },
  "AccountService": {
   "@odata.id": "/redfish/v1/AccountService"
  },
  "EventService": {
   "@odata.id": "/redfish/v1/EventService"
  },
  "Links": {
   "Sessions": {
    "@odata.id": "/redfish/v1/SessionService/Sessions"
   }
  },
  "@odata.id": "/redfish/v1/"
 },
 "/redfish/v1/odata": {
  "@odata.context": "/redfish/v1/$metadata",
  "value": [
   {
    "name": "Service",
    "kind": "Singleton",
    "url": "/redfish/v1/"
   },
   {
    "name": "Systems",
    "kind": "Singleton",
    "url": "/redfish/v1/Systems"
   },
   {
    "name": "Chassis",
    "kind": "Singleton",
    "url": "/redfish/v1/Chassis"
   },
   {
    "name": "Managers",
    "kind": "Singleton",
    "url": "/redfish/v1/Managers"
   },
   {
    "name": "TaskService",
    "kind": "Singleton",
    "url": "/redfish/v1/TaskService"
   },
   {
    "name": "AccountService",
    "kind": "Singleton",
    "url": "/redfish/v1/AccountService"
   },
   {
    "name": "SessionService",
    "kind": "Singleton",
    "url": "/redfish/v1/SessionService"
   },
   {
    "name": "EventService",
    "kind": "Singleton",
    "url": "/redfish/v1/EventService"
   },
   {
    "name": "Sessions",
    "kind": "Singleton",
    "url": "/redfish/v1/SessionService/Sessions"
   }
  ]
 }
}'''

METADATA_XML = r'''<?xml version="1.0" encoding="UTF-8"?>
<!-- Copyright 2014-2025 DMTF. For the full DMTF copyright policy, see http://www.dmtf.org/about/policies/copyright.-->
<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">

  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ServiceRoot_v1.xml">
    <edmx:Include Namespace="ServiceRoot"/>
    <edmx:Include Namespace="ServiceRoot.v1_20_0"/>
  </edmx:Reference>

  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/AccountService_v1.xml">
    <edmx:Include Namespace="AccountService"/>
    <edmx:Include Namespace="AccountService.v1_18_1"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ActionInfo_v1.xml">
    <edmx:Include Namespace="ActionInfo"/>
    <edmx:Include Namespace="ActionInfo.v1_5_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Bios_v1.xml">
    <edmx:Include Namespace="Bios"/>
    <edmx:Include Namespace="Bios.v1_2_3"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Chassis_v1.xml">
    <edmx:Include Namespace="Chassis"/>
    <edmx:Include Namespace="Chassis.v1_28_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ChassisCollection_v1.xml">
    <edmx:Include Namespace="ChassisCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ComputerSystem_v1.xml">
    <edmx:Include Namespace="ComputerSystem"/>
    <edmx:Include Namespace="ComputerSystem.v1_27_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ComputerSystemCollection_v1.xml">
    <edmx:Include Namespace="ComputerSystemCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Drive_v1.xml">
    <edmx:Include Namespace="Drive"/>
    <edmx:Include Namespace="Drive.v1_22_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/EthernetInterface_v1.xml">
    <edmx:Include Namespace="EthernetInterface"/>
    <edmx:Include Namespace="EthernetInterface.v1_12_4"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/EthernetInterfaceCollection_v1.xml">
    <edmx:Include Namespace="EthernetInterfaceCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/EventDestination_v1.xml">
    <edmx:Include Namespace="EventDestination"/>
    <edmx:Include Namespace="EventDestination.v1_16_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/EventDestinationCollection_v1.xml">
    <edmx:Include Namespace="EventDestinationCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/EventService_v1.xml">
    <edmx:Include Namespace="EventService"/>
    <edmx:Include Namespace="EventService.v1_12_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/LogEntry_v1.xml">
    <edmx:Include Namespace="LogEntry"/>
    <edmx:Include Namespace="LogEntry.v1_21_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/LogEntryCollection_v1.xml">
    <edmx:Include Namespace="LogEntryCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/LogService_v1.xml">
    <edmx:Include Namespace="LogService"/>
    <edmx:Include Namespace="LogService.v1_9_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/LogServiceCollection_v1.xml">
    <edmx:Include Namespace="LogServiceCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Manager_v1.xml">
    <edmx:Include Namespace="Manager"/>
    <edmx:Include Namespace="Manager.v1_24_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ManagerCollection_v1.xml">
    <edmx:Include Namespace="ManagerCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ManagerAccount_v1.xml">
    <edmx:Include Namespace="ManagerAccount"/>
    <edmx:Include Namespace="ManagerAccount.v1_14_1"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ManagerAccountCollection_v1.xml">
    <edmx:Include Namespace="ManagerAccountCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ManagerNetworkProtocol_v1.xml">
    <edmx:Include Namespace="ManagerNetworkProtocol"/>
    <edmx:Include Namespace="ManagerNetworkProtocol.v1_12_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Memory_v1.xml">
    <edmx:Include Namespace="Memory"/>
    <edmx:Include Namespace="Memory.v1_23_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/MemoryCollection_v1.xml">
    <edmx:Include Namespace="MemoryCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Message_v1.xml">
    <edmx:Include Namespace="Message"/>
    <edmx:Include Namespace="Message.v1_3_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Power_v1.xml">
    <edmx:Include Namespace="Power"/>
    <edmx:Include Namespace="Power.v1_7_3"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Processor_v1.xml">
    <edmx:Include Namespace="Processor"/>
    <edmx:Include Namespace="Processor.v1_22_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/ProcessorCollection_v1.xml">
    <edmx:Include Namespace="ProcessorCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Role_v1.xml">
    <edmx:Include Namespace="Role"/>
    <edmx:Include Namespace="Role.v1_3_3"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/RoleCollection_v1.xml">
    <edmx:Include Namespace="RoleCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/SerialInterface_v1.xml">
    <edmx:Include Namespace="SerialInterface"/>
    <edmx:Include Namespace="SerialInterface.v1_3_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/SerialInterfaceCollection_v1.xml">
    <edmx:Include Namespace="SerialInterfaceCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Session_v1.xml">
    <edmx:Include Namespace="Session"/>
    <edmx:Include Namespace="Session.v1_8_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/SessionCollection_v1.xml">
    <edmx:Include Namespace="SessionCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/SessionService_v1.xml">
    <edmx:Include Namespace="SessionService"/>
    <edmx:Include Namespace="SessionService.v1_2_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Settings_v1.xml">
    <edmx:Include Namespace="Settings.v1_4_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Storage_v1.xml">
    <edmx:Include Namespace="Storage"/>
    <edmx:Include Namespace="Storage.v1_21_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/StorageCollection_v1.xml">
    <edmx:Include Namespace="StorageCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Task_v1.xml">
    <edmx:Include Namespace="Task"/>
    <edmx:Include Namespace="Task.v1_7_4"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/TaskCollection_v1.xml">
    <edmx:Include Namespace="TaskCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/TaskService_v1.xml">
    <edmx:Include Namespace="TaskService"/>
    <edmx:Include Namespace="TaskService.v1_3_0"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/Thermal_v1.xml">
    <edmx:Include Namespace="Thermal"/>
    <edmx:Include Namespace="Thermal.v1_7_3"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/VirtualMedia_v1.xml">
    <edmx:Include Namespace="VirtualMedia"/>
    <edmx:Include Namespace="VirtualMedia.v1_6_5"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/VirtualMediaCollection_v1.xml">
    <edmx:Include Namespace="VirtualMediaCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/VLanNetworkInterface_v1.xml">
    <edmx:Include Namespace="VLanNetworkInterface"/>
    <edmx:Include Namespace="VLanNetworkInterface.v1_3_1"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/VLanNetworkInterfaceCollection_v1.xml">
    <edmx:Include Namespace="VLanNetworkInterfaceCollection"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/swordfish/v1/Volume_v1.xml">
    <edmx:Include Namespace="Volume"/>
    <edmx:Include Namespace="Volume.v1_10_2"/>
  </edmx:Reference>
  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/swordfish/v1/VolumeCollection_v1.xml">
    <edmx:Include Namespace="VolumeCollection"/>
  </edmx:Reference>

  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/RedfishExtensions_v1.xml">
    <edmx:Include Namespace="RedfishExtensions.v1_0_0" Alias="Redfish"/>
  </edmx:Reference>

  <edmx:DataServices>

    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">
      <EntityContainer Name="Service" Extends="ServiceRoot.v1_20_0.ServiceContainer"/>
    </Schema>

  </edmx:DataServices>
</edmx:Edmx>'''
